import type { CommandContext } from '../context.js';

export async function run(ctx: CommandContext) {
  const d = await ctx.client().domain(ctx.args[0]!);
  return { name: d.name, domid: d.domid };
}

/** xm printed Python's str() of the id: `None` for a domain that is not running. */
export const text = (d: { domid: number | null }) => `${d.domid ?? 'None'}\n`;
