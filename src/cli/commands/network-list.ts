import { listCommand } from './device-words.js';
import { networkTable } from '../render/devices.js';

/** `xm network-list DOM [-l]`: the domain's virtual interfaces, xm's table or their SXP. */
export const { run, text, json } = listCommand('vif', networkTable);
