import { CliError, UsageError } from './errors.js';
import { decodePool } from './render/cpupools.js';
import type { XendClient } from '../client/xend-client.js';
import type { DomainRecord } from '../protocol/domain.js';

/**
 * xm's check_sched_type: the sched-* command of a scheduler the host does not
 * run stops with xm's words. Beyond xm, which looked only at the host's
 * scheduler (pool 0's), an active CPU pool running it is enough: its domains
 * are the ones the command is for.
 */
export async function requireScheduler(client: XendClient, sched: string): Promise<void> {
  const host = String((await client.nodeInfo()).find(([k]) => k === 'xen_scheduler')?.[1] ?? 'unknown');
  if (host === sched) return;
  const pools = await client.api.cpu_pool_list({ names: [] }).catch(() => []);
  if (pools.map(decodePool).some((p) => p.active && p.sched === sched)) return;
  throw new CliError(`Xen is running with the ${host} scheduler`);
}

/**
 * The domains a sched-* command shows: xm's domid_match over the listing, every
 * domain or the one named (by name or id); none by that name is xm's message, with the usage.
 */
export async function scheduledDomains(client: XendClient, state: string, domain: string | undefined): Promise<DomainRecord[]> {
  const records = (await client.domains(state)).filter((d) => domain === undefined || d.name === domain || String(d.domid) === domain);
  if (domain !== undefined && !records.length) throw new UsageError(`Domain '${domain}' does not exist.`);
  return records;
}
