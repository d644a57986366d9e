import { statSync } from 'node:fs';
import { unameFile } from '../block-number.js';
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
  const path = unameFile(uname);
  // Nothing after the type: an empty CD-ROM drive.
  if (!path || uname.endsWith(':')) return;
  const fail = (why: string) => new Error(`Device ${device.devid} (${device.deviceClass}) could not be connected. ${why}`);
  if (uname.startsWith('phy:')) {
    const st = statSync(path, { throwIfNoEntry: false });
    if (!st) throw fail(`${path} does not exist.`);
    if (!st.isBlockDevice()) throw fail(`${path} is not a block device.`);
    return;
  }
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw fail(`${path} does not exist.`);
}
