import { action } from './action.js';
import { blockConfig } from './device-words.js';

/** `xm block-attach DOM BACKDEV FRONTDEV MODE [BACKDOM]`: a new disk (device_create); xend checks it. */
export const { run, text, json } = action(async (client, { args }) => void (await client.api.device_create({ dom: args[0]!, config: blockConfig(args) })));
