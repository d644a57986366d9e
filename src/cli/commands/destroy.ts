import { action } from './action.js';

export const { run, text, json } = action((client, { args: [dom] }) => client.destroy(dom!));
