import { action } from './action.js';

export const { run, text, json } = action(async (client, { args: [dom] }) => {
  await client.unpause(dom!);
  await client.api.setpauseflag({ dom: dom!, flag: false });
});
