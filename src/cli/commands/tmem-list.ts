import { tmemTarget } from './tmem-target.js';
import type { CommandContext } from '../context.js';

/** `xm tmem-list [-l] <Domain>|-a`: Xen's stats lines as xend passed them on (or its -1), printed with print's newline. */
export async function run(ctx: CommandContext) {
  const { cliId } = tmemTarget(ctx);
  return { tmem: await ctx.client().api.tmem_list({ cli_id: cliId, use_long: ctx.opts.has('long') }) };
}

export const text = (d: { tmem: string | number }) => `${d.tmem}\n`;
