import { action } from './action.js';

/** `xm reset DOM`: a hard reset (the domain is rebuilt from its config). */
export const { run, text, json } = action((client, { args: [dom] }) => client.reset(dom!));
