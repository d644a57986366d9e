import { childValue } from '../../sxp/index.js';
import type { Sxp } from '../../sxp/types.js';
import { refuseCpuid, type VmConfig } from '../../vm/config.js';
import { INTERFACE_NAME, MAC_ADDRESS } from '../../config/domain-limits.js';
import { DOMAIN_NAME_RE } from '../../protocol/domain.js';
import type { DomainSpec } from '../types.js';

/** A domain config the xen backend cannot or will not write as an xl.cfg. */
export class XenConfigError extends Error {}

/** What of xend's domain spec the xl.cfg is written from. */
export type XlConfigInput = Pick<DomainSpec, 'name' | 'uuid' | 'memoryMiB' | 'maxmemMiB' | 'vcpus' | 'config'>;

const MAX_PATH = 4096;
const MAX_CMDLINE = 4096;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What xl's `type =` takes, by xm's image builder. */
const BUILDERS: Record<string, string> = { linux: 'pv', pvh: 'pvh', hvm: 'hvm' };
const TSC_MODES = ['default', 'always_emulate', 'native', 'native_paravirt'];
/** Devices xend records that need nothing in xl.cfg (xl gives every guest its console and, for HVM, keyboard). */
const IMPLIED_DEVICES = ['console', 'vkbd'];

/**
 * An xl.cfg for xend's `(vm …)` config. Every value is checked for its kind and
 * written as an xl number or a double-quoted string that contains no quote,
 * backslash or control character, so nothing a client sent can end a string or
 * start another setting. xl never acts on the domain's shutdown: xend does
 * (on_poweroff and the others are `preserve`, and xl create runs with -e).
 */
export function xlConfig(input: XlConfigInput): string {
  const c = input.config;
  refuseCpuid(c, 'xen', XenConfigError);
  if (!DOMAIN_NAME_RE.test(input.name)) throw new XenConfigError(`domain name "${input.name.slice(0, 64)}" cannot be given to xl`);
  if (!UUID.test(input.uuid)) throw new XenConfigError(`uuid "${input.uuid.slice(0, 64)}" is not a UUID`);
  const lines: string[] = [
    `name = ${str(input.name, 'name')}`,
    `uuid = ${str(input.uuid, 'uuid')}`,
    `memory = ${int(input.memoryMiB, 'memory')}`,
    `maxmem = ${int(Math.max(input.maxmemMiB, input.memoryMiB), 'maxmem')}`,
    ...vcpuLines(c, input.vcpus),
    ...schedLines(c),
    ...poolLines(c),
    ...imageLines(c),
    'on_poweroff = "preserve"',
    'on_reboot = "preserve"',
    'on_crash = "preserve"',
  ];
  const disks: string[] = [];
  const vifs: string[] = [];
  for (const dev of c.devices) {
    const d = Array.isArray(dev) ? dev[1] : undefined;
    if (!Array.isArray(d)) continue;
    const cls = String(d[0]);
    if (cls === 'vbd' || cls === 'tap' || cls === 'tap2') disks.push(diskSpec(d));
    else if (cls === 'vif') vifs.push(vifSpec(d));
    else if (!IMPLIED_DEVICES.includes(cls)) throw new XenConfigError(`device class '${cls.slice(0, 32)}' is not supported by the xen backend`);
  }
  if (disks.length) lines.push(`disk = [ ${disks.map((s) => str(s, 'disk')).join(', ')} ]`);
  if (vifs.length) lines.push(`vif = [ ${vifs.map((s) => str(s, 'vif')).join(', ')} ]`);
  return `${lines.join('\n')}\n`;
}

/** `vcpus` are the VCPUs xend gives the domain; those online at start (vcpu_avail) are xl's `vcpus`. */
function vcpuLines(c: VmConfig, maxvcpus: number): string[] {
  const out = [`maxvcpus = ${int(maxvcpus, 'vcpus')}`];
  out.push(`vcpus = ${Math.max(1, Math.min(c.onlineVcpus, maxvcpus))}`);
  if (c.cpus.some((p) => p.length)) {
    const text = c.cpus.map(String).join(',');
    if (!/^(?:all|\^?\d+(?:-\d+)?(?:,\^?\d+(?:-\d+)?)*)$/.test(text)) throw new XenConfigError(`cpus "${text.slice(0, 64)}" is not a CPU list`);
    out.push(`cpus = ${str(text, 'cpus')}`);
  }
  return out;
}

function schedLines(c: VmConfig): string[] {
  return [`cpu_weight = ${int(c.cpuWeight, 'cpu_weight')}`, `cap = ${int(c.cpuCap, 'cpu_cap')}`];
}

/** xend's pool_name: the CPU pool xl builds the domain in (Pool-0 unless named). */
function poolLines(c: VmConfig): string[] {
  return c.poolName && c.poolName !== 'Pool-0' ? [`pool = ${str(c.poolName, 'pool_name')}`] : [];
}

function imageLines(c: VmConfig): string[] {
  const image = c.image[1];
  if (!Array.isArray(image)) throw new XenConfigError('no image in the domain config');
  const builder = String(image[0]);
  const type = BUILDERS[builder];
  if (!type) throw new XenConfigError(`the xen backend builds linux (PV), pvh and hvm domains; builder '${builder.slice(0, 32)}' is not one`);
  const value = (key: string) => String(childValue(image, key, '') ?? '');
  const out = [`type = ${str(type, 'type')}`];
  const bootloader = c.bootloader;
  if (bootloader) out.push(`bootloader = ${str(path(bootloader, 'bootloader'), 'bootloader')}`);
  const kernel = value('kernel');
  if (type !== 'hvm' && !kernel && !bootloader) throw new XenConfigError('no kernel in the domain config');
  if (kernel && type !== 'hvm') out.push(`kernel = ${str(path(kernel, 'kernel'), 'kernel')}`);
  const ramdisk = value('ramdisk');
  if (ramdisk && type !== 'hvm') out.push(`ramdisk = ${str(path(ramdisk, 'ramdisk'), 'ramdisk')}`);
  const root = value('root');
  if (root) out.push(`root = ${str(root.replace(/^root=/, ''), 'root')}`);
  const args = value('args');
  if (args) out.push(`extra = ${str(args, 'extra')}`);
  const tsc = value('tsc_mode');
  if (tsc) {
    const mode = /^\d$/.test(tsc) ? TSC_MODES[Number(tsc)] : tsc;
    if (!mode || !TSC_MODES.includes(mode)) throw new XenConfigError(`tsc_mode "${tsc.slice(0, 32)}" is not one xl knows`);
    out.push(`tsc_mode = ${str(mode, 'tsc_mode')}`);
  }
  return out;
}

/**
 * xm's disk (`phy:sda1,xvda,w`, `file:/img,xvdb:cdrom,r`, `tap:aio:/img,…`) as an xl
 * disk spec. `target=` comes last, where xl reads the rest as the path (commas included).
 */
export function diskSpec(d: Sxp[]): string {
  const { format, target } = diskTarget(String(childValue(d, 'uname', '') ?? ''));
  const { vdev, cdrom } = virtualDisk(String(childValue(d, 'dev', '') ?? ''));
  const mode = String(childValue(d, 'mode', 'w') ?? 'w');
  if (!/^[rw]!?$/.test(mode)) throw new XenConfigError(`disk mode "${mode.slice(0, 8)}" is not r or w`);
  const parts = [`format=${format}`, `vdev=${vdev}`, `access=${mode.startsWith('w') ? 'rw' : 'ro'}`];
  if (cdrom) parts.push('devtype=cdrom');
  return [...parts, `target=${target}`].join(', ');
}

/** The file or device an xm uname (`phy:sda1`, `file:/img`, `tap:qcow2:/img`) names, and its format for xl. */
export function diskTarget(uname: string): { format: string; target: string } {
  const m = /^(phy|file|tap2?:(?:aio|sync|qcow2?|vhd|raw)|aio):(.+)$/s.exec(uname);
  if (!m) throw new XenConfigError(`disk '${uname.slice(0, 128)}' is not supported by the xen backend (phy:, file: or tap:)`);
  const kind = m[1]!;
  const target = path(kind === 'phy' && !m[2]!.startsWith('/') ? `/dev/${m[2]}` : m[2]!, 'disk');
  const format = /qcow2$/.test(kind) ? 'qcow2' : /qcow$/.test(kind) ? 'qcow' : /vhd$/.test(kind) ? 'vhd' : 'raw';
  return { format, target };
}

/** xm's disk `dev` (`xvdb`, `ioemu:hdc:cdrom`) as xl's vdev, and whether it is a CD-ROM drive. */
export function virtualDisk(dev: string): { vdev: string; cdrom: boolean } {
  const dm = /^(?:ioemu:)?([a-z]+[0-9]*[a-z]*[0-9]*)(:cdrom|:disk)?$/.exec(dev);
  if (!dm) throw new XenConfigError(`disk device "${dev.slice(0, 64)}" is not a virtual device name`);
  return { vdev: dm[1]!, cdrom: dm[2] === ':cdrom' };
}

const VIF_VALUE: Record<string, RegExp> = {
  mac: MAC_ADDRESS,
  bridge: INTERFACE_NAME,
  vifname: INTERFACE_NAME,
  script: /^[A-Za-z0-9_./-]{1,255}$/,
  ip: /^[0-9A-Fa-f.:/ ]{1,255}$/,
  type: /^(?:ioemu|vif|netfront)$/,
  model: /^[A-Za-z0-9_-]{1,32}$/,
  rate: /^\d+[KMGT]?[Bb]?\/s(?:@\d+[mu]?s)?$/,
  backend: /^\d{1,5}$/,
};

/** xm's vif as xl's `key=value,…` spec; each value is checked, so none can carry a comma. */
export function vifSpec(d: Sxp[]): string {
  return vifParts(d).join(',');
}

/** The `key=value` words of xm's vif (xl network-attach takes them one an argument). */
export function vifParts(d: Sxp[]): string[] {
  const parts: string[] = [];
  for (const kv of d.slice(1)) {
    if (!Array.isArray(kv) || typeof kv[0] !== 'string') continue;
    const key = kv[0];
    const v = String(kv[1] ?? '');
    const re = VIF_VALUE[key];
    if (!re) {
      if (key === 'accel' || key === 'policy' || key === 'label' || key === 'uuid') continue;
      throw new XenConfigError(`vif option ${key.slice(0, 32)} is not supported by the xen backend`);
    }
    if (!re.test(v)) throw new XenConfigError(`vif ${key} "${v.slice(0, 64)}" is not valid`);
    parts.push(`${key}=${v}`);
  }
  return parts;
}

/** An absolute path without what an xl string cannot carry. */
function path(value: string, what: string): string {
  if (value.length > MAX_PATH) throw new XenConfigError(`${what} path is longer than ${MAX_PATH} characters`);
  if (!value.startsWith('/')) throw new XenConfigError(`${what} path "${value.slice(0, 128)}" is not absolute`);
  return value;
}

/** An xl string: double-quoted, and refused if it holds a quote, a backslash or a control character. */
export function str(value: string, what: string): string {
  if (value.length > MAX_CMDLINE) throw new XenConfigError(`${what} is longer than ${MAX_CMDLINE} characters`);
  // eslint-disable-next-line no-control-regex
  if (/["\\\x00-\x1f\x7f]/.test(value)) throw new XenConfigError(`${what} ${JSON.stringify(value.slice(0, 64))} contains a quote, a backslash or a control character, which xl's config cannot carry`);
  return `"${value}"`;
}

function int(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new XenConfigError(`${what} ${String(n).slice(0, 32)} is not a whole number`);
  return n;
}
