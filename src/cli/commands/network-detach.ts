import { detachCommand } from './device-words.js';

/** `xm network-detach DOM DEVID|MAC [-f]`. */
export const { run, text, json } = detachCommand(async () => 'vif');
