import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.js';
import { domainJson } from '../render/domains.js';
import { restoreLine, runTransfer, seconds, sizeOf } from '../transfer-progress.js';
import type { CommandContext } from '../context.js';

/** `xm restore FILE [-p]`: silent on success, as xm was; added: progress and a summary on a terminal. */
export async function run(ctx: CommandContext) {
  const path = resolve(ctx.cwd, ctx.args[0]!);
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new CliError(`xm restore: Unable to read file ${path}`);
  }
  const started = Date.now();
  const client = ctx.client();
  // xend knows a restore under way by its file.
  const d = await runTransfer(ctx, client, () => client.restore(path, ctx.opts.has('paused')), { id: path, label: `Restoring ${path}`, line: restoreLine });
  ctx.summary(`Restored ${d.name} from ${path} in ${seconds(Date.now() - started)}${sizeOf(path)}`);
  return { file: path, domain: domainJson(d) };
}

export const text = (): string => '';
