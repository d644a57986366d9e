import type { CommandContext } from '../context.js';

/** `xm vnet-delete ID`: silent, as xm was. */
export async function run(ctx: CommandContext) {
  const id = ctx.args[0]!;
  await ctx.client().api.vnet_delete({ id });
  return { deleted: id };
}

export const text = () => '';
