import { prettyPrint } from '../../sxp/index.js';
import { decodePool, poolCpuTable, poolTable, type PoolRow } from '../render/cpupools.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

interface PoolListData {
  form: 'long' | 'cpus' | 'brief';
  sxps: Sxp[];
  pools: PoolRow[];
}

/** `xm cpupool-list [POOL] [-l] [-c]`: xend's records, as SXP (-l), CPU lists (-c) or xm's table. */
export async function run(ctx: CommandContext): Promise<PoolListData> {
  const names = ctx.args.slice(0, 1);
  const sxps = await ctx.client().api.cpu_pool_list({ names });
  // As xm: a message, and still the (empty) listing with status 0.
  if (names.length && !sxps.length) ctx.warn(`Error: Pool '${names[0]}' does not exist.`);
  const form = ctx.opts.has('long') ? 'long' : ctx.opts.has('cpus') ? 'cpus' : 'brief';
  return { form, sxps, pools: sxps.map(decodePool) };
}

export function text(d: PoolListData): string {
  if (d.form === 'long') return d.sxps.map((s) => prettyPrint(s)).join('');
  return d.form === 'cpus' ? poolCpuTable(d.pools) : poolTable(d.pools);
}

export const json = (d: PoolListData) => ({ pools: d.pools });
