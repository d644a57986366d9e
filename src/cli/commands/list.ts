import { UsageError } from '../errors.js';
import { decodeDomain, RECORD_KEYS, type DomainRecord } from '../../protocol/domain.js';
import { childValue, prettyPrint } from '../../sxp/index.js';
import { domainJson, domainTable, TABLE_KEYS } from '../render/domains.js';
import { labelTable } from '../render/labels.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';
import type { XendClient } from '../../client/xend-client.js';

interface ListData {
  domains: { record: DomainRecord; label?: string }[];
  /** --long: each domain's SXP, whole (a short listing keeps only the records: a thousand need no copying by the GC). */
  sxps?: Sxp[];
  /** --label: each domain's security label (xend.security.get_domain_label). */
  labels?: boolean;
}
/** `list -v`: xm 4.4 ran vcpu-list instead (loaded only then: `xm list` stays light); its table rendered here. */
type VcpusData = { vcpus: object; table: string };

export async function run(ctx: CommandContext): Promise<ListData | VcpusData> {
  const state = ctx.opts.string('state');
  const pool = ctx.opts.string('pool');
  const long = ctx.opts.has('long');
  if (state && ctx.args.length) throw new UsageError('You may specify either a state or a particular VM, but not both');
  if (ctx.opts.has('vcpus')) {
    ctx.warn('xm list -v is deprecated.  Please use xm vcpu-list.');
    const vcpuList = await import('./vcpu-list.js');
    const vcpus = await vcpuList.run(ctx);
    return { vcpus, table: vcpuList.text(vcpus) };
  }
  if (pool && ctx.args.length) throw new UsageError('You may specify either a pool or a particular VM, but not both');
  const client = ctx.client();
  if (long) {
    const sxps = ctx.args.length
      ? await Promise.all(ctx.args.map((d) => client.domainSxp(d, true)))
      : inPool(await client.domainsSxp(state ?? 'all', true), (d) => childValue(d, 'pool_name', ''), pool);
    return { domains: sxps.map((sxp) => ({ record: decodeDomain(sxp) })), sxps };
  }
  const domains: ListData['domains'] = ctx.args.length
    ? (await Promise.all(ctx.args.map((d) => client.domainSxp(d)))).map((sxp) => ({ record: decodeDomain(sxp) }))
    : await shortListing(client, ctx.json, state ?? 'all', pool);
  if (!ctx.opts.has('label')) return { domains };
  for (const d of domains) d.label = stripQuote(await client.api.security_get_domain_label({ domain: d.record.name }));
  return { domains, labels: true };
}

/**
 * Every domain's record, of each only what the output shows (the tables' columns, or --json's
 * whole record), made as each arrives: a thousand SXPs are never all held. With --pool, the
 * pool is asked for too and kept beside the record, for the filter. Also `xm list`'s own bundle's (quick-list.ts).
 */
export async function shortListing(client: Pick<XendClient, 'listing'>, json: boolean, state: string, pool?: string): Promise<{ record: DomainRecord }[]> {
  const keys = json ? RECORD_KEYS : TABLE_KEYS;
  if (!pool) return (await client.listing(state, keys, decodeDomain)).map((record) => ({ record }));
  const withPool = (sxp: Sxp) => ({ record: decodeDomain(sxp), pool: childValue(sxp, 'pool_name', '') });
  return inPool(await client.listing(state, new Set([...keys, 'pool_name']), withPool), (d) => d.pool, pool);
}

/** The domains of `pool` (all without one), as xm's --pool kept them. */
function inPool<T>(domains: T[], poolOf: (d: T) => Sxp, pool: string | undefined): T[] {
  return pool ? domains.filter((d) => poolOf(d) === pool) : domains;
}

/** xm dropped a leading quote from the label xend sent. */
const stripQuote = (label: string): string => (label.startsWith("'") ? label.slice(1) : label);

export function text(data: ListData | VcpusData): string {
  if ('vcpus' in data) return data.table;
  if (data.sxps) return data.sxps.map((sxp) => prettyPrint(sxp)).join('');
  if (data.labels) return labelTable(data.domains.map((d) => ({ record: d.record, label: d.label ?? '' })));
  return domainTable(data.domains.map((d) => d.record));
}

export function json(data: ListData | VcpusData) {
  if ('vcpus' in data) return data.vcpus;
  return { domains: data.domains.map((d) => (data.labels ? { ...domainJson(d.record), label: d.label } : domainJson(d.record))) };
}
