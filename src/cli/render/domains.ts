import { POWER_STATES, type DomainRecord } from '../../protocol/domain.js';
import { fixed, int, left, lines, right } from './format.js';

/** The children of a domain's record the tables of `xm list` show (here and in labels.ts): all a listing for them needs. */
export const TABLE_KEYS: ReadonlySet<string> = new Set(['domid', 'name', 'memory', 'vcpus', 'online_vcpus', 'state', 'cpu_time']);

/** `xm list`: `'%-40s %5s %5s %5s %10s %9s'` header, `'… %(cpu_time)8.1f'` rows (xm 3.2–4.4). */
export function domainTable(records: readonly DomainRecord[]): string {
  const header = `${left('Name', 40)} ${right('ID', 5)} ${right('Mem', 5)} ${right('VCPUs', 5)} ${right('State', 10)} ${right('Time(s)', 9)}`;
  return lines([
    header,
    ...records.map(
      (d) =>
        `${left(d.name, 40)} ${right(d.domid ?? '', 5)} ${int(d.memory, 5)} ${int(d.onlineVcpus ?? d.vcpus, 5)} ${right(d.state, 10)} ${fixed(d.cpuTime, 8, 1)}`,
    ),
  ]);
}

/**
 * The documented JSON form of a domain (docs/json.md): runtime state with units in
 * the key names, stable across releases of this suite.
 */
export function domainJson(d: DomainRecord, now = Date.now() / 1000) {
  return {
    domid: d.domid,
    name: d.name,
    uuid: d.uuid,
    state: d.state,
    power_state: POWER_STATES[d.status] ?? 'unknown',
    memory_mib: d.memory,
    maxmem_mib: d.maxmem,
    vcpus: d.vcpus,
    online_vcpus: d.onlineVcpus ?? d.vcpus,
    cpu_time_s: round(d.cpuTime),
    start_time: d.startTime,
    uptime_s: d.startTime === null ? null : round(Math.max(0, now - d.startTime)),
  };
}

/** Microseconds are more than any caller needs, and spare readers 0.9012000000000001. */
const round = (s: number) => Math.round(s * 1e6) / 1e6;
