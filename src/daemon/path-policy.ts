import { lstatSync, realpathSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { XendError } from '../protocol/faults.js';
import { XEND, type FileRole, type MethodSpec } from '../protocol/methods.js';
import { parseFirst } from '../sxp/index.js';
import { devicesOf, vifSettings } from '../vm/config-limits.js';
import { parseVmConfig, type VmConfig } from '../vm/config.js';
import { resolveScript } from './scripts.js';
import { checkVifMac } from './devices/vif.js';
import type { Method } from './methods.js';
import type { Sxp } from '../sxp/types.js';

/** The directory for each role of file a method names (the contract's file roles). */
export interface ConfinedDirs extends Record<FileRole, string> {
  /** xend-save-path: saves and restores. */
  save: string;
  /** The dump directory: core dumps. */
  dump: string;
}

/** Which option names the directory a confined client's file of each role must lie in. */
const DIR_OPTION: Record<FileRole, string> = { save: 'xend-save-path', dump: 'the dump directory' };

/**
 * The method table for servers others than root reach (TCP, or a Unix socket
 * shared with a group). xend runs as root, and such a client must not make it
 * read or write any file it likes: a file the request names must lie in the
 * directory configured for it, and must not be a symlink; a domain config it
 * sends names only what confineConfig allows. Over the root-only Unix socket
 * every path is allowed, as in xend.
 */
export function confinePaths(methods: Map<string, Method>, dirs: ConfinedDirs, rules: ConfigRules): Map<string, Method> {
  const confined = new Map(methods);
  for (const spec of Object.values(XEND) as MethodSpec[]) {
    const fn = methods.get(spec.name);
    const checked = spec.params.flatMap((p, index) => (p.role ? [{ role: p.role, index, kind: p.kind }] : []));
    if (!fn || !checked.length) continue;
    confined.set(spec.name, (...args: unknown[]) => {
      for (const { role, index, kind } of checked) {
        const arg = args[index];
        // A domain's name is not a file: only a path in its place is (domainOrSave).
        if (kind === 'domain' && !String(arg).startsWith('/')) continue;
        if (role === 'hostDevice') {
          if (!rules.passthrough) throw new XendError("a client other than root may not pass the host's devices to a guest (xend-domain-passthrough)");
        } else if (role === 'vm' || role === 'device') {
          // An HTTP form carries a config as SXP text, XML-RPC as nested arrays.
          const sxp = typeof arg === 'string' ? parseFirst(arg) : (arg as Sxp);
          if (role === 'vm') confineConfig(parseVmConfig(sxp), rules);
          else confineDevice(sxp, rules);
        } else if (arg !== undefined && arg !== null && arg !== '') {
          // No file named: xend picks one in its own directory (a core dump).
          const dir = dirs[role];
          if (!inside(dir, String(arg))) {
            throw new XendError(`${String(arg)}: a client other than root may only use files in ${dir} (${DIR_OPTION[role]}), and no symlinks`);
          }
        }
      }
      return fn(...args);
    });
  }
  return confined;
}

/** What a domain config may name on xend's host, from xend-config.sxp. */
export interface ConfigRules {
  /** xend-domain-image-path: where a confined client's kernels, ramdisks, bootloaders and disk images lie. */
  imageDirs: readonly string[];
  /** xend-domain-block-devices: the block devices (phy:) a confined client may give a guest. */
  blockDevices: readonly string[];
  /** The scripts directory (/etc/xen/scripts under the root). */
  scriptsDir: string;
  /** xend-allow-foreign-scripts: root may name a hotplug script outside the scripts directory. */
  allowForeignScripts: boolean;
  /** xend-domain-passthrough: a confined client may give a guest the PCI functions, SCSI LUNs and USB devices the host offers. */
  passthrough?: boolean;
}

/** Root's rule (every client's): a hotplug script lies in the scripts directory unless xend-config allows more. */
export function checkScripts(config: VmConfig, rules: ConfigRules): void {
  checkDeviceScripts(config.devices, rules);
}

/** checkScripts for a config's `(device …)` entries, or a device a client adds. */
export function checkDeviceScripts(devices: Sxp[], rules: ConfigRules): void {
  for (const vif of devicesOf(devices, ['vif'])) {
    const { script } = vifSettings(vif);
    if (script !== undefined && resolveScript(rules.scriptsDir, script, rules.allowForeignScripts) === null) {
      throw new XendError(`Invalid script: ${JSON.stringify(script)} is outside ${rules.scriptsDir} (xend-allow-foreign-scripts)`);
    }
  }
}

/** Keys of an `(image (<builder> …))` that name a file on xend's host. */
const IMAGE_FILES = ['kernel', 'ramdisk', 'loader', 'device_model'];
/** Device classes that hand a guest the host's hardware; the first three are pass-through's, which xend-domain-passthrough may allow. */
const HOST_DEVICES = ['pci', 'vscsi', 'vusb', 'ioports', 'irq'];
const PASSTHROUGH = HOST_DEVICES.slice(0, 3);
const FILE_DISK = /^(?:file|aio|tap2?:[a-z0-9]+):(.*)$/;

/**
 * The rule for every client but root over the Unix socket (TCP, a socket group's
 * member, a relocation peer): a script is a name in the scripts directory; the
 * kernel, ramdisk, bootloader and every disk image lie inside xend-domain-image-path
 * (resolved as save paths are: no `..` or symlink out); a block device only
 * when xend-domain-block-devices lists it; no passthrough of the host's devices.
 */
export function confineConfig(config: VmConfig, rules: ConfigRules): void {
  const builder = Array.isArray(config.image) ? config.image[1] : undefined;
  const images = Array.isArray(builder) ? builder.filter((kv): kv is Sxp[] => Array.isArray(kv) && IMAGE_FILES.includes(String(kv[0]))) : [];
  confineDevices(config.devices, rules, [...images.map((kv) => String(kv[1] ?? '')), config.bootloader]);
}

/** The same rule for one device a client adds to a domain (device_create, device_configure): `(vbd (uname …) …)`. */
export function confineDevice(device: Sxp, rules: ConfigRules): void {
  if (Array.isArray(device)) checkVifMac(device);
  confineDevices([['device', device]], rules, []);
}

/** A config's `(device …)` entries under confineConfig's rule, with the other files it names. */
function confineDevices(devices: Sxp[], rules: ConfigRules, files: string[]): void {
  for (const vif of devicesOf(devices, ['vif'])) {
    const { script } = vifSettings(vif);
    if (script !== undefined && script.includes('/')) {
      throw new XendError(`Invalid script: ${JSON.stringify(script)}: a client other than root may only name a script in ${rules.scriptsDir}`);
    }
  }
  checkDeviceScripts(devices, { ...rules, allowForeignScripts: false });
  const passthrough = devicesOf(devices, rules.passthrough ? HOST_DEVICES.filter((c) => !PASSTHROUGH.includes(c)) : HOST_DEVICES)[0];
  if (passthrough) throw new XendError(`Invalid device ${String(passthrough[0])}: a client other than root may not pass the host's devices to a guest${rules.passthrough ? '' : ' (xend-domain-passthrough)'}`);
  for (const dev of devicesOf(devices, ['vbd', 'tap', 'tap2'])) {
    for (const kv of dev) {
      if (!Array.isArray(kv) || kv[0] !== 'uname') continue;
      const uname = String(kv[1] ?? '');
      const file = FILE_DISK.exec(uname);
      if (file) files.push(file[1]!);
      else if (uname.startsWith('phy:')) checkBlockDevice(uname.slice(4), rules);
      else throw new XendError(`Invalid disk ${JSON.stringify(uname)}: a client other than root may only use file:, tap: and phy: disks`);
    }
  }
  for (const f of files) {
    if (f !== '' && !rules.imageDirs.some((dir) => inside(dir, f))) {
      throw new XendError(`${f}: a client other than root may only use files in ${rules.imageDirs.join(' ')} (xend-domain-image-path), and no symlinks`);
    }
  }
}

function checkBlockDevice(dev: string, rules: ConfigRules): void {
  if (dev === '') return; // an empty drive (a CD-ROM without media)
  const path = dev.startsWith('/') ? dev : `/dev/${dev}`;
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return null;
    }
  };
  const target = real(path);
  if (!rules.blockDevices.some((b) => b === path || (target !== null && real(b) === target))) {
    throw new XendError(`${path}: a client other than root may only use the block devices xend-domain-block-devices lists`);
  }
}

/**
 * Whether `path`, after `..` and the symlinks of its directories, is below `dir`.
 * The file itself may not be a symlink: a dangling one would pass as a new file
 * and then be followed by the open.
 */
function inside(dir: string, path: string): boolean {
  if (!path.startsWith('/')) return false;
  try {
    const root = realpathSync(dir);
    if (lstatSync(path, { throwIfNoEntry: false })?.isSymbolicLink()) return false;
    return join(realpathSync(dirname(path)), basename(path)).startsWith(root + sep);
  } catch {
    return false;
  }
}
