import { CliError, UsageError } from '../errors.js';
import { credit2Table, type Credit2Row } from '../render/sched.js';
import { requireScheduler, scheduledDomains } from '../scheduler.js';
import type { CommandContext } from '../context.js';

type SchedCredit2Data = { set: false; domains: Credit2Row[] } | { set: true; domain: string; weight: number };

/**
 * `xm sched-credit2 [-d DOM [-w WEIGHT]]`: with no -w, the weight of every
 * domain (or of DOM) in xm's columns, -1 for one whose pool runs another
 * scheduler; else sets DOM's.
 */
export async function run(ctx: CommandContext): Promise<SchedCredit2Data> {
  const domain = ctx.opts.string('domain');
  const weight = ctx.opts.number('weight');
  const client = ctx.client();
  await requireScheduler(client, 'credit2');
  if (weight === undefined) {
    const records = await scheduledDomains(client, 'all', domain);
    const domains: Credit2Row[] = [];
    for (const d of records) {
      const info = (await client.api.sched_credit2_get({ dom: d.name }).catch(() => null)) as { weight?: unknown } | null;
      domains.push({ name: d.name, domid: d.domid, weight: info?.weight === undefined ? -1 : Number(info.weight) });
    }
    return { set: false, domains };
  }
  if (domain === undefined) throw new UsageError('No domain given.');
  const rc = await client.api.sched_credit2_set({ dom: domain, weight });
  if (rc !== 0) throw new CliError(String(rc));
  return { set: true, domain, weight };
}

export const text = (d: SchedCredit2Data): string => (d.set ? '' : credit2Table(d.domains));

export function json(d: SchedCredit2Data) {
  return d.set ? { ok: true, command: 'sched-credit2', domain: d.domain } : { domains: d.domains };
}
