import { action } from './action.js';
import { blockConfig } from './device-words.js';

/** `xm block-configure DOM BACKDEV FRONTDEV MODE [BACKDOM]`: new media in a CD-ROM drive (device_configure). */
export const { run, text, json } = action(async (client, { args }) => void (await client.api.device_configure({ dom: args[0]!, config: blockConfig(args), dev: null })));
