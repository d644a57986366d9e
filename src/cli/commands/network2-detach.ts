import { detachCommand } from './device-words.js';

/** `xm network2-detach DOM DEVID [-f]`. */
export const { run, text, json } = detachCommand(async () => 'vif2');
