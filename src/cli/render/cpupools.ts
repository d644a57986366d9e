import { left, right } from './format.js';
import type { Sxp } from '../../sxp/types.js';

/** One pool of xend.cpu_pool.list, as xm's brief listings read it (sxp2map of `[uuid, [key, value…]…]`). */
export interface PoolRow {
  uuid: string;
  name: string;
  sched: string;
  active: boolean;
  /** Configured CPU count: what an inactive pool shows. */
  ncpu: number;
  cpus: number[];
  domains: string[];
}

function values(sxp: Sxp, key: string): Sxp[] {
  const entry = Array.isArray(sxp) ? sxp.find((e) => Array.isArray(e) && e[0] === key) : undefined;
  return Array.isArray(entry) ? entry.slice(1) : [];
}

export function decodePool(sxp: Sxp): PoolRow {
  const one = (key: string) => values(sxp, key)[0];
  return {
    uuid: String(Array.isArray(sxp) ? sxp[0] : ''),
    name: String(one('name_label') ?? ''),
    sched: String(one('sched_policy') ?? ''),
    // A boolean over XML-RPC; 0/1 or True/False as text over other paths.
    active: [true, 1, '1', 'True'].includes(one('activated') as never),
    ncpu: Number(one('ncpu') ?? 0),
    cpus: values(sxp, 'host_CPU_numbers').map(Number),
    domains: values(sxp, 'started_VM_names').map(String),
  };
}

/** brief_cpupool_list: `"%-16s   %3s  %8s       %s          %s"` under xm's header, none for no pool. */
export function poolTable(pools: readonly PoolRow[]): string {
  if (!pools.length) return '';
  const rows = pools.map((p) => {
    const [cpus, doms, active] = p.active ? [p.cpus.length, p.domains.length, 'y'] : [p.ncpu, 0, 'n'];
    return `${left(p.name, 16)}   ${right(cpus, 3)}  ${right(p.sched, 8)}       ${active}          ${doms}\n`;
  });
  return `Name               CPUs   Sched     Active   Domain count\n${rows.join('')}`;
}

/** brief_cpupool_list_cpus: `"%-16s %s"`, the CPUs as "0,1,2" or "-". */
export function poolCpuTable(pools: readonly PoolRow[]): string {
  if (!pools.length) return '';
  const rows = pools.map((p) => `${left(p.name, 16)} ${p.active && p.cpus.length ? [...p.cpus].sort((a, b) => a - b).join(',') : '-'}\n`);
  return `${left('Name', 16)} CPU list\n${rows.join('')}`;
}
