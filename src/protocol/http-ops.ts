/**
 * The legacy HTTP API's POST operations on `/xend/domain/<dom>` (SrvDomain.py)
 * and the XML-RPC methods they are the same call as. The server dispatches
 * through this table and the HTTP transport inverts it, so both always agree.
 */
export interface DomainOp {
  op: string;
  method: string;
  /** Form fields, in the method's positional order after the domain. */
  fields: readonly string[];
  /** 202 Accepted for the ops xend ran "in the background", 200 otherwise. */
  accepted: boolean;
  /** The result is a struct, carried over SXP as `((key value) …)`. */
  struct?: boolean;
}

export const DOMAIN_OPS: readonly DomainOp[] = [
  { op: 'pause', method: 'xend.domain.pause', fields: [], accepted: false },
  { op: 'unpause', method: 'xend.domain.unpause', fields: [], accepted: false },
  { op: 'shutdown', method: 'xend.domain.shutdown', fields: ['reason'], accepted: true },
  { op: 'destroy', method: 'xend.domain.destroy', fields: [], accepted: true },
  { op: 'rename', method: 'xend.domain.setName', fields: ['name'], accepted: true },
  { op: 'mem_target_set', method: 'xend.domain.setMemoryTarget', fields: ['target'], accepted: false },
  { op: 'set_vcpus', method: 'xend.domain.setVCpuCount', fields: ['vcpus'], accepted: false },
  { op: 'vcpuinfo', method: 'xend.domain.getVCPUInfo', fields: [], accepted: false },
  { op: 'save', method: 'xend.domain.save', fields: ['file', 'checkpoint'], accepted: true },
  { op: 'migrate', method: 'xend.domain.migrate', fields: ['destination', 'live', 'port', 'node', 'ssl', 'change_home_server'], accepted: false, struct: true },
  { op: 'wait_for_devices', method: 'xend.domain.waitForDevices', fields: [], accepted: true },
  // Not in xend: what xm shows while a migration runs, its Ctrl-C, and the check of what it carried.
  { op: 'migrate_progress', method: 'xend.domain.migrateProgress', fields: [], accepted: false, struct: true },
  { op: 'migrate_cancel', method: 'xend.domain.migrateCancel', fields: [], accepted: false },
  { op: 'memory_checksum', method: 'xend.domain.getMemoryChecksum', fields: [], accepted: false },
  { op: 'maxmem_set', method: 'xend.domain.maxmem_set', fields: ['memory'], accepted: false },
  { op: 'pincpu', method: 'xend.domain.pincpu', fields: ['vcpu', 'cpumap'], accepted: false },
  { op: 'domain_sched_credit_get', method: 'xend.domain.sched_credit_get', fields: [], accepted: false, struct: true },
  { op: 'domain_sched_credit_set', method: 'xend.domain.sched_credit_set', fields: ['weight', 'cap'], accepted: false },
  { op: 'sysrq', method: 'xend.domain.send_sysrq', fields: ['key'], accepted: true },
  { op: 'reset', method: 'xend.domain.reset', fields: [], accepted: true },
  // Answered 200 with the core file's path rather than xend's 202, so xm can say where it went.
  { op: 'dump', method: 'xend.domain.dump', fields: ['file', 'live', 'crash', 'reset'], accepted: false },
  { op: 'start', method: 'xend.domain.start', fields: ['paused'], accepted: true },
  { op: 'delete', method: 'xend.domain.delete', fields: [], accepted: true },
  // Not in SrvDomain (xend had them over XML-RPC only): managed domains' suspend and resume, triggers.
  { op: 'suspend', method: 'xend.domain.suspend', fields: [], accepted: true },
  { op: 'resume', method: 'xend.domain.resume', fields: ['paused'], accepted: false },
  { op: 'send_trigger', method: 'xend.domain.send_trigger', fields: ['name', 'vcpu'], accepted: false },
  // xend took `op=new` on /xend/domain; this suite's HTTP server and client know the per-domain form.
];

export const opByName = new Map(DOMAIN_OPS.map((o) => [o.op, o]));
export const opByMethod = new Map(DOMAIN_OPS.map((o) => [o.method, o]));

type Plain = string | number | boolean | null | bigint | Plain[] | { [k: string]: Plain };

/** A struct as SXP: `((key value) …)`; SXP has no other way to say it. */
export function structToSxp(v: { [k: string]: Plain }): Plain[] {
  return Object.entries(v).map(([k, x]) => [k, x === null || typeof x !== 'object' || Array.isArray(x) ? x : structToSxp(x)]);
}

/** Back from `((key value) …)`, numbers where the text is one. */
export function sxpToStruct(v: unknown): Record<string, unknown> | null {
  if (!Array.isArray(v)) return null;
  const out: Record<string, unknown> = {};
  for (const pair of v) {
    if (!Array.isArray(pair) || typeof pair[0] !== 'string') continue;
    const x = pair[1];
    out[pair[0]] = typeof x === 'string' && x !== '' && Number.isFinite(Number(x)) ? Number(x) : x === 'None' ? null : x;
  }
  return out;
}
