import type { CommandContext } from '../context.js';

/** `xm tmem-freeable`: the MiB of ephemeral tmem the host could take back. */
export async function run(ctx: CommandContext) {
  return { freeable_mib: await ctx.client().api.tmem_query_freeable_mb() };
}

export const text = (d: { freeable_mib: number }) => `${d.freeable_mib}\n`;
