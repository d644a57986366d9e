import { CliError } from '../errors.js';
import { SEDF_HEADER, sedfRow, type SedfRow } from '../render/sched.js';
import { requireScheduler, scheduledDomains } from '../scheduler.js';
import { childValue } from '../../sxp/index.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

interface SchedSedfData {
  set: boolean;
  domains: SedfRow[];
}

type Setting = 'period' | 'slice' | 'latency' | 'extratime' | 'weight';
/** The options (named as the parameters), and whether each is a time given in ms and sent in ns. */
const OPTIONS: readonly [Setting, boolean][] = [
  ['period', true],
  ['slice', true],
  ['latency', true],
  ['extratime', false],
  ['weight', false],
];

/** parse_sedf_info: each value as int, -1 when missing. */
function parseSedf(info: Sxp, name: string): SedfRow {
  const get = (key: string) => Math.trunc(Number(childValue(info, key, -1)));
  return { name, domid: get('domid'), period: get('period'), slice: get('slice'), latency: get('latency'), extratime: get('extratime'), weight: get('weight') };
}

/**
 * `xm sched-sedf [DOM [options]]`: the EDF parameters of every running domain
 * (or DOM); with options, each matching domain's current ones with those
 * replaced, sent back as a whole.
 */
export async function run(ctx: CommandContext): Promise<SchedSedfData> {
  const domain = ctx.params.string('Domain');
  const changes: Partial<Record<Setting, number>> = {};
  for (const [key, time] of OPTIONS) {
    const v = ctx.opts.number(key);
    // ms_to_ns is float(v) / 0.000001; the ints xm sent were int() of it.
    if (v !== undefined) changes[key] = time ? Math.trunc(v / 0.000001) : Math.trunc(v);
  }
  const set = Object.keys(changes).length > 0;
  const client = ctx.client();
  await requireScheduler(client, 'sedf');
  const records = await scheduledDomains(client, 'running', domain);
  const domains: SedfRow[] = [];
  for (const d of records) {
    // A domain that does not answer (its pool runs another scheduler) shows -1s, as in xm.
    const info = (await client.api.cpu_sedf_get({ dom: String(d.domid) }).catch(() => [])) as Sxp;
    const row = { ...parseSedf(info, d.name), ...changes };
    if (set) {
      const rc = await client.api.cpu_sedf_set({ dom: String(d.domid), period: row.period, slice: row.slice, latency: row.latency, extratime: row.extratime, weight: row.weight });
      if (Number(rc) !== 0) throw new CliError(`Failed to set sedf parameters (rv=${Number(rc)}).`);
    }
    domains.push(row);
  }
  return { set, domains };
}

export const text = (d: SchedSedfData): string => (d.set ? '' : SEDF_HEADER + d.domains.map(sedfRow).join(''));

/** The values shown, or after a setting the values sent. */
export const json = (d: SchedSedfData) => ({ domains: d.domains });
