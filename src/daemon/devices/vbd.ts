import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { XendError } from '../../protocol/faults.js';
import type { Sxp } from '../../sxp/types.js';
import { blockDeviceNumber, splitDev, unameFile } from '../../hypervisor/block-number.js';
import { CONNECTED, backendId, backendPath, pairs, plainNumber, setting, withSetting, type DeviceContext, type DeviceController, type DeviceEntry } from './controller.js';

/** BlktapController's disk types (blktap1's and blktap2's): what may follow `tap:`/`tap2:`. */
const TAP_TYPES = ['aio', 'sync', 'vmdk', 'ram', 'qcow', 'qcow2', 'ioemu', 'vhd', 'remus'];
/** What BlkifController took before the `:` of a uname (xend also took a block-<type> script; this xend has none). */
const UNAME_TYPES = ['phy', 'file', 'tap', 'tap2'];
const BLOCK_CLASSES = ['vbd', 'tap', 'tap2'];
const isBlock = (d: DeviceEntry) => BLOCK_CLASSES.includes(String(d[0]));

/** The block script's canonical mode: `w`, `!` (w!: no sharing check) or `r`. */
const canonicalMode = (mode: string) => (mode === 'w!' ? '!' : mode.startsWith('w') ? 'w' : 'r');

/** A path as `readlink -f` gives it, for the sharing check. */
function canonical(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return resolve(file);
  }
}

/**
 * Block devices (xend's BlkifController, with BlktapController's tap and tap2,
 * whose guests see them as vbds too): the number of a disk is its Linux device
 * number, and a file a guest writes is a guest's alone.
 */
export const VBD_CONTROLLER: DeviceController = {
  classes: BLOCK_CLASSES,

  add(config, ctx) {
    const cls = String(config[0]);
    const kept = pairs(config);
    const dev = String(setting(config, 'dev') ?? '');
    const uname = String(setting(config, 'uname') ?? '');
    const details = checkDisk(cls, uname, dev, String(setting(config, 'mode') ?? 'r'));
    const devid = details.devid;
    for (const other of ctx.domain.devices) {
      if (!isBlock(other)) continue;
      const theirs = setting(other, 'uname');
      if (uname && theirs) {
        const file = unameFile(uname);
        if (file !== null && file === unameFile(theirs)) throw new XendError(`The file "${file}" is already used`);
        if (uname === theirs) throw new XendError(`The uname "${uname}" is already defined`);
      }
      if (blockNumberOf(other) === devid) throw new XendError(`The device "${dev}" is already defined`);
    }
    if (ctx.domain.domid !== null) checkSharing(cls, uname, details.mode, devid, ctx);
    let entry: DeviceEntry = [cls, ...kept];
    if (cls === 'vbd') entry = withSetting(entry, 'driver', dev.startsWith('ioemu:') ? 'ioemu' : 'paravirtualised');
    if (!setting(entry, 'uuid')) entry = withSetting(entry, 'uuid', randomUUID());
    // xend's compatibility rule: the first disk is the one to boot.
    const first = !ctx.domain.devices.some(isBlock);
    return withSetting(entry, 'bootable', Number(setting(entry, 'bootable') ?? (first ? 1 : 0)));
  },

  number(entry) {
    return blockNumberOf(entry) ?? -1;
  },

  toNumber: (dev) => diskNumber(dev),

  configure(config, dev, ctx) {
    const name = String(setting(config, 'dev') ?? '');
    if (dev === null && !name) throw new XendError('Block device must have virtual details specified');
    const devid = dev ?? diskNumber(splitDev(name).name);
    const old = ctx.domain.devices.find((d) => isBlock(d) && blockNumberOf(d) === devid);
    if (!old) throw new XendError(`Device ${String(devid ?? 'None')} not connected`);
    const cls = String(old[0]);
    const details = checkDisk(cls, String(setting(config, 'uname') ?? ''), name, String(setting(config, 'mode') ?? 'r'));
    const was = splitDev(String(setting(old, 'dev') ?? ''));
    // Only a CD-ROM's media change, read-only, in the same drive.
    const media = was.type === 'cdrom' && details.type === 'cdrom' && details.mode === 'r' && String(setting(old, 'mode') ?? 'r') === 'r';
    const sameDrive = ctx.domain.domid === null || was.name === details.name;
    if (!media || !sameDrive) throw new XendError(`Refusing to reconfigure device ${cls}:${details.devid} to ${pyDict(pairs(config))}`);
    let entry = old;
    for (const [k, v] of pairs(config)) entry = withSetting(entry, k, v);
    return { old, entry, devid: devid! };
  },

  frontend(entry, devid, domid) {
    const { type } = splitDev(String(setting(entry, 'dev') ?? ''));
    return [
      ['backend-id', backendId(entry)],
      ['virtual-device', String(devid)],
      ['device-type', type],
      ['state', CONNECTED],
      ['backend', backendPath(entry, domid, devid)],
      ['ring-ref', String(8 + (devid & 0xff))],
      ['event-channel', String(9 + (devid & 0xff))],
      ['protocol', 'x86_64-abi'],
    ];
  },
};

/** blkif's convertToDeviceNumber: a number, `class/number`, or a disk's name. */
const diskNumber = (dev: string | number): number | null => plainNumber(dev) ?? blockDeviceNumber(String(dev).split('/').pop()!);

function blockNumberOf(entry: DeviceEntry): number | null {
  const dev = setting(entry, 'dev');
  return dev === undefined ? null : blockDeviceNumber(splitDev(dev).name);
}

/** BlkifController.getDeviceDetails (with XendConfig's check of a tap type): the disk's number, drive type and mode. */
function checkDisk(cls: string, uname: string, dev: string, mode: string): { devid: number; name: string; type: string; mode: string } {
  const { name, type } = splitDev(dev);
  if (!uname) {
    if (type !== 'cdrom') throw new XendError('Block device must have physical details specified');
  } else {
    const at = uname.indexOf(':');
    if (at < 0) throw new XendError('Block device must have physical details specified');
    const typ = uname.slice(0, at);
    if (!UNAME_TYPES.includes(typ)) throw new XendError(`Block device type "${typ}" is invalid.`);
    if (cls !== 'vbd') {
      const parts = uname.split(':');
      const tapType = parts[1] === 'tapdisk' ? parts[2] : parts[1];
      if (!TAP_TYPES.includes(tapType ?? '')) throw new XendError(`tap:${tapType ?? ''} not a valid disk type`);
    }
  }
  if (!['r', 'w', 'w!'].includes(mode)) throw new XendError('Invalid mode');
  const devid = blockDeviceNumber(name);
  if (devid === null) throw new XendError(`Unable to find number for device (${name})`);
  return { devid, name, type, mode };
}

/**
 * The block hotplug script's sharing check, as it refused a disk of a running
 * domain: written by one guest only, read by others only while none writes it.
 */
function checkSharing(cls: string, uname: string, mode: string, devid: number, ctx: DeviceContext): void {
  const wanted = canonicalMode(mode);
  const file = uname ? unameFile(uname) : null;
  if (!file || wanted === '!') return;
  const phy = uname.startsWith('phy:');
  const path = canonical(file);
  let loop = 0;
  for (const other of ctx.others()) {
    if (other.domid === null) continue;
    for (const d of other.devices) {
      if (!isBlock(d)) continue;
      const theirs = setting(d, 'uname');
      const theirFile = theirs ? unameFile(theirs) : null;
      if (!theirFile) continue;
      if (!theirs!.startsWith('phy:')) loop++;
      if (canonical(theirFile) !== path) continue;
      const theirMode = canonicalMode(String(setting(d, 'mode') ?? 'r'));
      if (wanted === 'r' && theirMode !== 'w') continue;
      const what = phy ? `Device ${path} is mounted ` : `File ${path} is loopback-mounted through /dev/loop${loop - 1},\nwhich is mounted `;
      const [m1, m2] = wanted === 'w' ? ['', ''] : ['read-write ', 'read-only '];
      throw new XendError(`Device ${devid} (${cls}) could not be connected.\n${what}${m1}in a guest domain,\nand so cannot be mounted ${m2}now.`);
    }
  }
}

/** A Python dict's repr of text keys and values, as xend's refusal printed the config it got. */
function pyDict(kv: [string, Sxp][]): string {
  const repr = (v: Sxp) => (typeof v === 'number' ? String(v) : `'${String(v).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
  return `{${kv.map(([k, v]) => `${repr(k)}: ${repr(v)}`).join(', ')}}`;
}
