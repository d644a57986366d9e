import { UsageError } from '../errors.js';
import { requireScheduler, scheduledDomains } from '../scheduler.js';
import { creditTable, type CreditRow } from '../render/sched.js';
import type { CommandContext } from '../context.js';

type SchedCreditData = { set: false; domains: CreditRow[] } | { set: true; domain: string; weight: number | null; cap: number | null };

/**
 * `xm sched-credit [-d DOM [-w WEIGHT] [-c CAP]]`: with no -w or -c, the weight
 * and cap of every domain (or of DOM), in xm's columns; else sets them on DOM.
 */
export async function run(ctx: CommandContext): Promise<SchedCreditData> {
  const domain = ctx.opts.string('domain');
  const weight = ctx.opts.number('weight') ?? null;
  const cap = ctx.opts.number('cap') ?? null;
  const client = ctx.client();
  await requireScheduler(client, 'credit');
  if (weight === null && cap === null) {
    const records = await scheduledDomains(client, 'all', domain);
    const domains: CreditRow[] = [];
    for (const d of records) {
      // A domain that does not answer (it went meanwhile) shows -1, as xm showed it.
      const info = await client.schedCredit(d.name).catch(() => ({ weight: -1, cap: -1 }));
      domains.push({ name: d.name, domid: d.domid, weight: info.weight, cap: info.cap });
    }
    return { set: false, domains };
  }
  if (domain === undefined) throw new UsageError('No domain given.');
  const rc = await client.setSchedCredit(domain, weight, cap);
  if (rc !== 0) ctx.warn(`Error: ${rc}`);
  return { set: true, domain, weight, cap };
}

export const text = (d: SchedCreditData): string => (d.set ? '' : creditTable(d.domains));

export function json(d: SchedCreditData) {
  return d.set ? { ok: true, command: 'sched-credit', domain: d.domain } : { domains: d.domains };
}
