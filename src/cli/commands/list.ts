import { UsageError } from '../errors.js';
import { decodeDomain, type DomainRecord } from '../../protocol/domain.js';
import { childValue, prettyPrint } from '../../sxp/index.js';
import { domainJson, domainTable } from '../render/domains.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

interface ListData {
  long: boolean;
  domains: { record: DomainRecord; sxp: Sxp }[];
}

export async function run(ctx: CommandContext): Promise<ListData> {
  const state = ctx.opts.string('state');
  const pool = ctx.opts.string('pool');
  const long = ctx.opts.has('long');
  if (state && ctx.args.length) throw new UsageError('You may specify either a state or a particular VM, but not both');
  if (pool && ctx.args.length) throw new UsageError('You may specify either a pool or a particular VM, but not both');
  const client = ctx.client();
  const sxps = ctx.args.length
    ? await Promise.all(ctx.args.map((d) => client.domainSxp(d, long)))
    : (await client.domainsSxp(state ?? 'all', long)).filter((d) => !pool || childValue(d, 'pool_name', '') === pool);
  return { long, domains: sxps.map((sxp) => ({ record: decodeDomain(sxp), sxp })) };
}

export function text(data: ListData): string {
  if (data.long) return data.domains.map((d) => prettyPrint(d.sxp)).join('');
  return domainTable(data.domains.map((d) => d.record));
}

export function json(data: ListData) {
  return { domains: data.domains.map((d) => domainJson(d.record)) };
}
