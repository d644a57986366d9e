import { action } from './action.js';

/** As xm 4.4: the pause, then xend's paused_by_admin flag, which domstate reads. */
export const { run, text, json } = action(async (client, { args: [dom] }) => {
  await client.pause(dom!);
  await client.api.setpauseflag({ dom: dom!, flag: true });
});
