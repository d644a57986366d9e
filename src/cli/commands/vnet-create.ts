import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { SilentError } from '../errors.js';
import type { CommandContext } from '../context.js';

/** `xm vnet-create FILE`: xm checked that it could read the file, then sent its name to xend. */
export async function run(ctx: CommandContext) {
  const conf = ctx.args[0]!;
  try {
    accessSync(resolve(ctx.cwd, conf), constants.R_OK);
  } catch {
    // xm said so on stdout, without `Error:`, and exited 1.
    ctx.event(`File not found: ${conf}`, { error: 'file not found', file: conf });
    throw new SilentError(1);
  }
  await ctx.client().api.vnet_create({ config: conf });
  return { created: conf };
}

export const text = () => '';
