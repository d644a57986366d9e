import { accessSync, constants } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { runTransfer, seconds, sizeOf } from '../transfer-progress.js';
import type { CommandContext } from '../context.js';

/**
 * `xm save [-c] DOM FILE`: the path is made absolute and checked as xm did. Added: progress
 * and Ctrl-C, which cancels the save and leaves the domain as it was.
 */
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
  await runTransfer(ctx, client, () => client.save(dom, path, checkpoint), {
    id: dom,
    label: `Saving ${dom} to ${path}`,
    cancelled: (why) => new CliError(why === 'quit' ? `Stopped waiting for xend to cancel the save of ${dom}` : `Save of ${dom} cancelled; the domain is as it was`, 130),
  });
  ctx.summary(`Saved ${dom} to ${path} in ${seconds(Date.now() - started)}${sizeOf(path)}`);
  return { domain: dom, file: path, checkpoint };
}

export const text = (): string => '';
