import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { failOnStdout } from './stdout-failure.js';
import type { CommandContext } from '../context.js';

/** `xm vnet-create FILE`: xm checked that it could read the file, then sent its name to xend. */
export async function run(ctx: CommandContext) {
  const conf = ctx.args[0]!;
  try {
    accessSync(resolve(ctx.cwd, conf), constants.R_OK);
  } catch {
    failOnStdout(ctx, `File not found: ${conf}`);
  }
  await ctx.client().api.vnet_create({ config: conf });
  return { created: conf };
}

export const text = () => '';
