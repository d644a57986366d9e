import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors.js';
import type { CommandContext } from '../context.js';

/** `xm save [-c] DOM FILE`: the path is made absolute and checked as xm did. */
export async function run(ctx: CommandContext) {
  const [dom, file] = ctx.args as [string, string];
  const path = resolve(ctx.cwd, file);
  try {
    accessSync(dirname(path), constants.W_OK);
  } catch {
    throw new CliError(`xm save: Unable to create file ${path}`);
  }
  const checkpoint = ctx.opts.has('checkpoint');
  await ctx.client().save(dom, path, checkpoint);
  return { domain: dom, file: path, checkpoint };
}

export const text = (): string => '';
