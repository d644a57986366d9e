import type { CommandContext } from '../context.js';

/** `xm dmesg [-c]`: the hypervisor's message ring; -c prints it, then clears it. */
export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const clear = ctx.opts.has('clear');
  return { cleared: clear, dmesg: clear ? await client.dmesgClear() : await client.dmesg() };
}

// xm printed it with a trailing comma (`print …,`): the buffer exactly, nothing added, nothing when empty.
export const text = (d: { dmesg: string }) => d.dmesg;
