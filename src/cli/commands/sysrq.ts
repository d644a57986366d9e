import { action } from './action.js';

/** `xm sysrq DOM LETTER`: a magic SysRq key for the guest kernel; silent, as xm was. */
export const { run, text, json } = action((client, { args: [dom, key] }) => client.sysrq(dom!, key!));
