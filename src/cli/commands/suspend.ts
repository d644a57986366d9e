import { action } from './action.js';

/** `xm suspend DOM`: a running managed domain's state goes to xend's store; `xm resume` brings it back. */
export const { run, text, json } = action((client, { args: [dom] }) => client.suspend(dom!));
