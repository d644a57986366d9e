import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { childValue, children } from '../../sxp/index.js';
import type { Sxp } from '../../sxp/types.js';

/** Below this the Debian kernel cannot even decompress itself (QEMU exits silently). */
export const MIN_MEMORY_MIB = 72;

export interface QemuRun {
  dir: string;
  qmp: string;
  console: string;
  log: string;
  pidfile: string;
}

export function runPaths(dir: string): QemuRun {
  return { dir, qmp: join(dir, 'qmp.sock'), console: join(dir, 'console.sock'), log: join(dir, 'console.log'), pidfile: join(dir, 'qemu.pid') };
}

export class UnsupportedConfig extends Error {}

/**
 * The QEMU command line for an xm domain config: kernel, ramdisk, root + extra
 * on the kernel command line, memory with a balloon, vcpus, file:/phy: disks with
 * their modes, vifs as user-mode or bridged NICs. What it cannot do, it refuses.
 */
export function qemuArgs(o: { name: string; memoryMiB: number; maxmemMiB: number; vcpus: number; config: Sxp; accel: string; run: QemuRun; incoming: boolean }): string[] {
  const images = children(o.config, 'image');
  const image = images[0]?.[1];
  if (!Array.isArray(image)) throw new UnsupportedConfig('no image in the domain config');
  if (image[0] !== 'linux') throw new UnsupportedConfig(`the qemu backend boots Linux kernels directly; builder '${String(image[0])}' is not supported`);
  const kernel = String(childValue(image, 'kernel', ''));
  if (!kernel) throw new UnsupportedConfig('no kernel in the domain config');
  if (!existsSync(kernel)) throw new UnsupportedConfig(`Cannot find kernel "${kernel}"`);
  const ramdisk = String(childValue(image, 'ramdisk', ''));
  if (ramdisk && !existsSync(ramdisk)) throw new UnsupportedConfig(`Cannot find ramdisk "${ramdisk}"`);
  if (o.maxmemMiB < MIN_MEMORY_MIB) throw new UnsupportedConfig(`memory ${o.maxmemMiB} MiB is too small: guests of the qemu backend need at least ${MIN_MEMORY_MIB} MiB`);
  const root = String(childValue(image, 'root', ''));
  const extra = String(childValue(image, 'args', ''));
  const append = [root && `root=${root.replace(/^root=/, '')}`, extra, 'console=ttyS0', 'panic=-1'].filter(Boolean).join(' ');
  const args = [
    '-name', o.name,
    '-accel', o.accel,
    '-m', `${o.maxmemMiB}`,
    '-smp', `${o.vcpus}`,
    '-display', 'none', '-no-user-config', '-nodefaults',
    '-kernel', kernel,
    ...(ramdisk ? ['-initrd', ramdisk] : []),
    '-append', append,
    '-qmp', `unix:${o.run.qmp},server=on,wait=off`,
    '-chardev', `socket,id=c0,path=${o.run.console},server=on,wait=off,logfile=${o.run.log}`,
    '-serial', 'chardev:c0',
    '-pidfile', o.run.pidfile,
    '-device', 'virtio-balloon-pci,id=balloon0',
    // Guest poweroff and reset become SHUTDOWN events with QEMU kept alive: xend applies on_poweroff/on_reboot.
    '-no-shutdown', '-no-reboot',
    '-S',
    ...(o.incoming ? ['-incoming', 'defer'] : []),
  ];
  for (const dev of children(o.config, 'device')) {
    const d = dev[1];
    if (!Array.isArray(d)) continue;
    const cls = d[0];
    if (cls === 'vbd' || cls === 'tap' || cls === 'tap2') args.push(...disk(d));
    else if (cls === 'vif') args.push(...nic(d, args.length));
    else if (cls !== 'console' && cls !== 'vkbd') throw new UnsupportedConfig(`device class '${String(cls)}' is not supported by the qemu backend`);
  }
  return args;
}

function disk(d: Sxp[]): string[] {
  const uname = String(childValue(d, 'uname', ''));
  const m = /^(?:file|phy|tap:aio|tap:sync|tap2:aio|aio):(.+)$/.exec(uname);
  if (!m) throw new UnsupportedConfig(`disk '${uname}' is not supported by the qemu backend (file: or phy: only)`);
  const path = m[1]!.startsWith('/') ? m[1]! : `/dev/${m[1]}`;
  if (!existsSync(path)) throw new UnsupportedConfig(`disk image ${path} does not exist`);
  const readonly = !String(childValue(d, 'mode', 'w')).startsWith('w');
  return ['-drive', `file=${path},if=virtio,format=raw,readonly=${readonly ? 'on' : 'off'}`];
}

function nic(d: Sxp[], n: number): string[] {
  const id = `net${n}`;
  const bridge = String(childValue(d, 'bridge', ''));
  const mac = String(childValue(d, 'mac', ''));
  const backend = bridge && existsSync(`/sys/class/net/${bridge}/bridge`) ? `bridge,id=${id},br=${bridge}` : `user,id=${id}`;
  return ['-netdev', backend, '-device', `virtio-net-pci,netdev=${id}${mac ? `,mac=${mac}` : ''}`];
}
