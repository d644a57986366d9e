import type { CommandContext } from '../context.js';

export async function run(ctx: CommandContext) {
  return { log: await ctx.client().log() };
}

/** xm printed the log with Python's print, hence the extra newline. */
export const text = (d: { log: string }) => `${d.log}\n`;
