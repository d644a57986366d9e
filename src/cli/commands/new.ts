import * as create from './create.js';
import { childValue } from '../../sxp/index.js';
import type { CommandContext } from '../context.js';

/**
 * `xm new`: the config is built exactly as `xm create` builds it (same options,
 * same `Using config file "…".`, same --help_config), then handed to xend's
 * lifecycle management instead of being started. `-n` prints it.
 */
export async function run(ctx: CommandContext): Promise<create.CreateData> {
  const built = await create.run({ ...ctx, opts: ctx.opts.with('dryrun', true) });
  if (built.variables || ctx.opts.has('dryrun')) return built;
  const client = ctx.client();
  const name = String(childValue(built.sxp, 'name', 'Domain-Unnamed'));
  await client.newDomain(built.sxp);
  // xm new prints nothing: only JSON reports the record xend made (one call otherwise, as xm).
  return { ...built, quiet: true, dryrun: false, domain: ctx.json ? await client.domain(name) : null };
}

export const { text, json } = create;
