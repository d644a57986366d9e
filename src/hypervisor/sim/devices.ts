import { statSync } from 'node:fs';
import type { HvDevice } from '../types.js';

const BLOCK_CLASSES = ['vbd', 'tap', 'tap2'];

/**
 * What the block hotplug script checked before a disk connected, on the
 * simulated host: its file, or block device, exists. Throws xend's refusal
 * (DevController.waitForDevice with the script's error).
 */
export function checkHotplug(device: HvDevice): void {
  if (!BLOCK_CLASSES.includes(device.deviceClass)) return;
  const uname = device.settings.uname ?? '';
  const at = uname.indexOf(':');
  if (at < 0) return; // an empty CD-ROM drive
  const typ = uname.slice(0, at);
  let path = uname.slice(at + 1);
  if (typ === 'tap' || typ === 'tap2') path = path.replace(/^(?:tapdisk:|ioemu:)?[a-z0-9]+:/, '');
  if (path === '') return;
  const fail = (why: string) => new Error(`Device ${device.devid} (${device.deviceClass}) could not be connected. ${why}`);
  if (typ === 'phy') {
    const dev = path.startsWith('/') ? path : `/dev/${path}`;
    const st = statSync(dev, { throwIfNoEntry: false });
    if (!st) throw fail(`${dev} does not exist.`);
    if (!st.isBlockDevice()) throw fail(`${dev} is not a block device.`);
    return;
  }
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw fail(`${path} does not exist.`);
}
