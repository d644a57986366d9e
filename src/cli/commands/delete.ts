import { action } from './action.js';

/** `xm delete DOM`: forgets a halted managed domain (`Domain is not halted.` otherwise). */
export const { run, text, json } = action((client, { args: [dom] }) => client.deleteDomain(dom!));
