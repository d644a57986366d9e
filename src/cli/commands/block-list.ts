import { listCommand } from './device-words.js';
import { blockTable } from '../render/devices.js';

/** `xm block-list DOM [-l]`: the domain's disks, xm's table or their SXP. */
export const { run, text, json } = listCommand('vbd', blockTable);
