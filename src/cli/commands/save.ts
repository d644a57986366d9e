import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { seconds, sizeOf, watchTransfer } from '../transfer-progress.js';
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
  const client = ctx.client();
  const started = Date.now();
  let finished = false;
  const watch = watchTransfer(ctx, client, dom, `Saving ${dom} to ${path}`, () => finished);
  try {
    await client.save(dom, path, checkpoint);
  } finally {
    finished = true;
    await watch;
  }
  ctx.summary(`Saved ${dom} to ${path} in ${seconds(Date.now() - started)}${sizeOf(path)}`);
  return { domain: dom, file: path, checkpoint };
}

export const text = (): string => '';
