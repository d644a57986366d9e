import * as create from './create.js';
import { domainJson } from '../render/domains.js';
import { prettyPrint, childValue } from '../../sxp/index.js';
import type { CommandContext } from '../context.js';
import type { DomainRecord } from '../../protocol/domain.js';
import type { Sxp } from '../../sxp/types.js';

interface NewData {
  configFile: string | null;
  dryrun: boolean;
  sxp: Sxp;
  domain: DomainRecord | null;
}

/**
 * `xm new`: the config is built exactly as `xm create` builds it (same options,
 * same `Using config file "…".`), then handed to xend's lifecycle management
 * instead of being started. `-n` prints it.
 */
export async function run(ctx: CommandContext): Promise<NewData> {
  const built = await create.run({ ...ctx, opts: new Map([...ctx.opts, ['dryrun', true]]) });
  if (ctx.opts.has('dryrun')) return { configFile: built.configFile, dryrun: true, sxp: built.sxp, domain: null };
  const client = ctx.client();
  const name = String(childValue(built.sxp, 'name', 'Domain-Unnamed'));
  await client.newDomain(built.sxp);
  // xm new prints nothing: only JSON reports the record xend made (one call otherwise, as xm).
  return { configFile: built.configFile, dryrun: false, sxp: built.sxp, domain: ctx.json ? await client.domain(name) : null };
}

export const text = (d: NewData): string => (d.dryrun ? prettyPrint(d.sxp) : '');

export function json(d: NewData) {
  return d.dryrun
    ? { version: 1, dryrun: true, config_file: d.configFile, config: d.sxp }
    : { version: 1, config_file: d.configFile, domain: d.domain && domainJson(d.domain) };
}
