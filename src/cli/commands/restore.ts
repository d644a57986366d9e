import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { domainJson } from '../render/domains.js';
import { seconds, sizeOf } from '../transfer-progress.js';
import type { CommandContext } from '../context.js';

/** `xm restore FILE [-p]`: silent on success, as xm was. */
export async function run(ctx: CommandContext) {
  const path = resolve(ctx.cwd, ctx.args[0]!);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new CliError(`xm restore: Unable to read file ${path}`);
  }
  const started = Date.now();
  const d = await ctx.client().restore(path, ctx.opts.has('paused'));
  ctx.summary(`Restored ${d.name} from ${path} in ${seconds(Date.now() - started)}${sizeOf(path)}`);
  return { file: path, domain: domainJson(d) };
}

export const text = (): string => '';
