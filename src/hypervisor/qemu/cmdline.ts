import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { childValue } from '../../sxp/index.js';
import type { Sxp } from '../../sxp/types.js';
import { refuseCpuid, type VmConfig } from '../../vm/config.js';
import { devicesOf } from '../../vm/config-limits.js';
import { UnsupportedConfig } from './errors.js';
import { hostPath, interfaceName, listenAddress, macAddress, optionValue, plainPath, plainText } from './values.js';
import { blockDeviceNumber, splitDev } from '../block-number.js';

/** Below this the Debian kernel cannot even decompress itself (QEMU exits silently). */
export const MIN_MEMORY_MIB = 72;

/**
 * seccomp: obsolete and resource-control system calls denied. Privilege changes
 * and fork stay allowed: -daemonize forks and calls setsid, -runas setuid, and a
 * bridge NIC spawns qemu-bridge-helper.
 */
export const SANDBOX = 'on,obsolete=deny,resourcecontrol=deny';

export interface QemuRun {
  dir: string;
  qmp: string;
  console: string;
  pidfile: string;
}

export function runPaths(dir: string): QemuRun {
  // Absolute: a daemonized QEMU runs in /.
  const d = resolve(dir);
  return { dir: d, qmp: join(d, 'qmp.sock'), console: join(d, 'console.sock'), pidfile: join(d, 'qemu.pid') };
}

export interface QemuArgsOptions {
  name: string;
  maxmemMiB: number;
  vcpus: number;
  config: Pick<VmConfig, 'image' | 'devices' | 'cpuid' | 'cpuidCheck'>;
  accel: string;
  run: QemuRun;
  incoming: boolean;
  /** Whether this QEMU has seccomp (-sandbox). */
  sandbox: boolean;
  /** The unprivileged user QEMU drops to once started, if any. */
  runas: string | null;
}

/**
 * The QEMU command line for an xm domain config: kernel, ramdisk, root + extra
 * on the kernel command line, memory with a balloon, vcpus, file:/phy: disks with
 * their modes, vifs as user-mode or bridged NICs. What it cannot do, it refuses.
 * QEMU daemonizes: it returns once started (or failed, its reason on stderr).
 */
export function qemuArgs(o: QemuArgsOptions): string[] {
  refuseCpuid(o.config, 'qemu', UnsupportedConfig);
  const image = o.config.image[1];
  if (!Array.isArray(image)) throw new UnsupportedConfig('no image in the domain config');
  if (image[0] !== 'linux') throw new UnsupportedConfig(`the qemu backend boots Linux kernels directly; builder '${String(image[0])}' is not supported`);
  const kernel = String(childValue(image, 'kernel', ''));
  if (!kernel) throw new UnsupportedConfig('no kernel in the domain config');
  if (!existsSync(plainPath(kernel, 'kernel'))) throw new UnsupportedConfig(`Cannot find kernel "${kernel}"`);
  const ramdisk = String(childValue(image, 'ramdisk', ''));
  if (ramdisk && !existsSync(plainPath(ramdisk, 'ramdisk'))) throw new UnsupportedConfig(`Cannot find ramdisk "${ramdisk}"`);
  if (o.maxmemMiB < MIN_MEMORY_MIB) throw new UnsupportedConfig(`memory ${o.maxmemMiB} MiB is too small: guests of the qemu backend need at least ${MIN_MEMORY_MIB} MiB`);
  const root = String(childValue(image, 'root', ''));
  const extra = String(childValue(image, 'args', ''));
  const append = [root && `root=${root.replace(/^root=/, '')}`, extra, 'console=ttyS0', 'panic=-1'].filter(Boolean).join(' ');
  const args = [
    '-name', optionValue(o.name),
    '-accel', o.accel,
    '-m', `${o.maxmemMiB}`,
    '-smp', `${o.vcpus}`,
    '-display', 'none', '-no-user-config', '-nodefaults',
    '-kernel', kernel,
    ...(ramdisk ? ['-initrd', ramdisk] : []),
    '-append', plainText(append, 'the kernel command line'),
    '-qmp', `unix:${optionValue(o.run.qmp)},server=on,wait=off`,
    // No logfile=: xend keeps the console output itself, bounded by console-limit.
    '-chardev', `socket,id=c0,path=${optionValue(o.run.console)},server=on,wait=off`,
    '-serial', 'chardev:c0',
    '-pidfile', o.run.pidfile,
    '-device', 'virtio-balloon-pci,id=balloon0',
    // Guest poweroff and reset become SHUTDOWN events with QEMU kept alive: xend applies on_poweroff/on_reboot.
    '-no-shutdown', '-no-reboot',
    '-S',
    ...(o.incoming ? ['-incoming', 'defer'] : []),
    ...(o.sandbox ? ['-sandbox', SANDBOX] : []),
    ...(o.runas ? ['-runas', o.runas] : []),
    '-daemonize',
  ];
  let disks = 0;
  let nics = 0;
  for (const dev of o.config.devices) {
    const d = Array.isArray(dev) ? dev[1] : undefined;
    if (!Array.isArray(d)) continue;
    const cls = d[0];
    if (cls === 'vbd' || cls === 'tap' || cls === 'tap2') args.push(...disk(d, disks++));
    else if (cls === 'vif') args.push(...nic(d, nics++));
    else if (cls === 'vfb') args.push(...vncDisplay(d));
    else if (cls !== 'console' && cls !== 'vkbd') throw new UnsupportedConfig(`device class '${String(cls)}' is not supported by the qemu backend`);
  }
  return args;
}

/**
 * A disk at boot: a virtio disk, or an IDE CD-ROM drive (`hdc:cdrom`) whose
 * media block-configure changes later; ids from xend's device numbers
 * (deviceIds), so the disks can be unplugged and changed by them.
 */
function disk(d: Sxp[], n: number): string[] {
  const dev = String(childValue(d, 'dev', ''));
  const ids = deviceIds('vbd', blockDeviceNumber(splitDev(dev).name) ?? n, '');
  const node = `disk${n}`;
  const uname = String(childValue(d, 'uname', ''));
  const mode = String(childValue(d, 'mode', 'w'));
  if (splitDev(dev).type === 'cdrom') {
    const drive = uname ? ['-blockdev', JSON.stringify(blockdevOf(uname, 'r', node))] : [];
    return [...drive, '-device', `${cdromDevice(dev)},id=${ids.device}${uname ? `,drive=${node}` : ''}`];
  }
  return ['-blockdev', JSON.stringify(blockdevOf(uname, mode, node)), '-device', `virtio-blk-pci,drive=${node},id=${ids.device}`];
}

/** A raw disk as -blockdev (or blockdev-add) JSON: the path is a JSON string, never parsed as options. */
export function blockdevOf(uname: string, mode: string, node: string): Record<string, unknown> {
  const m = /^(?:file|phy|tap:aio|tap:sync|tap2:aio|aio):(.+)$/s.exec(uname);
  if (!m) throw new UnsupportedConfig(`disk '${uname}' is not supported by the qemu backend (file: or phy: only)`);
  const path = hostPath(m[1]!.startsWith('/') ? m[1]! : `/dev/${m[1]}`, 'disk');
  let blockDevice: boolean;
  try {
    blockDevice = statSync(path).isBlockDevice();
  } catch {
    throw new UnsupportedConfig(`disk image ${path} does not exist`);
  }
  const readOnly = !mode.startsWith('w');
  const file = { driver: blockDevice ? 'host_device' : 'file', filename: path, 'read-only': readOnly };
  return { driver: 'raw', 'node-name': node, 'read-only': readOnly, file };
}

/** An IDE CD-ROM drive where its name puts it (hdc: the second channel's master); only hda–hdd exist. */
function cdromDevice(dev: string): string {
  const m = /^(?:.*?ioemu:)?hd([a-d]):cdrom$/.exec(dev);
  if (!m) throw new UnsupportedConfig(`CD-ROM drive '${dev}' is not supported by the qemu backend (hda to hdd only)`);
  const i = m[1]!.charCodeAt(0) - 97;
  return `ide-cd,bus=ide.${i >> 1},unit=${i & 1}`;
}

/**
 * The QEMU ids of a device xend numbers `devid` (a disk's device number; a
 * vif's MAC when it has one, which stays with it when others come and go):
 * the -device's, and the backend's (node or netdev) a hot-plug gave it.
 */
export function deviceIds(cls: string, devid: number, mac: string): { device: string; backend: string } {
  const key = cls === 'vif' && mac ? macAddress(mac).replaceAll(':', '').toLowerCase() : String(devid);
  return { device: `${cls}-${key}`, backend: `${cls}-${key}-be` };
}

/**
 * A bridged NIC on a bridge that exists, else user-mode networking with
 * restrict=on: without it the guest reaches the host's loopback as 10.0.2.2,
 * and with it every xend listener bound to 127.0.0.1.
 */
function nic(d: Sxp[], n: number): string[] {
  const id = `net${n}`;
  const bridge = String(childValue(d, 'bridge', ''));
  const mac = String(childValue(d, 'mac', ''));
  if (mac) macAddress(mac);
  const bridged = bridgeExists(bridge);
  const backend = bridged ? `bridge,id=${id},br=${optionValue(bridge)}` : `user,id=${id},restrict=on`;
  return ['-netdev', backend, '-device', `virtio-net-pci,netdev=${id}${mac ? `,mac=${mac},id=${deviceIds('vif', n, mac).device}` : ''}`];
}

/** Whether `bridge` names a bridge of this host (else the NIC gets user-mode networking). */
export function bridgeExists(bridge: string): boolean {
  return bridge !== '' && existsSync(`/sys/class/net/${interfaceName(bridge)}/bridge`);
}

/** xend's default VNC display base (display N is port 5900 + N). */
const VNC_DISPLAYS = 100;

/** A vfb with vnc=1 as QEMU's VNC server on a VGA card; `to=` lets QEMU find a free display (vncunused, the default). */
function vncDisplay(d: Sxp[]): string[] {
  const on = (key: string, dflt: string) => isOn(d, key, dflt);
  if (on('sdl', '0')) throw new UnsupportedConfig('vfb sdl=1 is not supported by the qemu backend (vnc=1 is)');
  if (!on('vnc', '0')) return [];
  const display = Number(childValue(d, 'vncdisplay', '0'));
  if (!Number.isInteger(display) || display < 0 || display >= VNC_DISPLAYS) throw new UnsupportedConfig(`vfb vncdisplay "${String(childValue(d, 'vncdisplay')).slice(0, 20)}" is not a display number (0-${VNC_DISPLAYS - 1})`);
  const host = listenAddress(String(childValue(d, 'vnclisten', '127.0.0.1')), 'vfb vnclisten');
  const password = String(childValue(d, 'vncpasswd', '')) !== '';
  return ['-vga', 'std', '-vnc', `${host}:${display}${on('vncunused', '1') ? `,to=${VNC_DISPLAYS - 1}` : ''}${password ? ',password=on' : ''}`];
}

/** A domain's `(vfb …)` device, if its config gives it one. */
export function vfbOf(config: Pick<VmConfig, 'devices'> | null): Sxp[] | undefined {
  return devicesOf(config?.devices ?? [], ['vfb'])[0];
}

/** Whether a domain config gives the guest a VNC server (the backend then asks QEMU where it listens). */
export function wantsVnc(config: Pick<VmConfig, 'devices'> | null): boolean {
  const vfb = vfbOf(config);
  return vfb !== undefined && isOn(vfb, 'vnc', '0');
}

/** A vfb flag as xend read it (vnc=1, vncunused=0, …). */
function isOn(d: Sxp[], key: string, dflt: string): boolean {
  return !['0', '', 'no', 'false'].includes(String(childValue(d, key, dflt)).toLowerCase());
}
