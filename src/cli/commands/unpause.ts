import { action } from './action.js';

export const { run, text, json } = action((client, [dom]) => client.unpause(dom!));
