import { listCommand } from './device-words.js';

/** `xm network2-list DOM`: always the SXP, as xm printed it (--long changes nothing). */
export const { run, text, json } = listCommand('vif2');
