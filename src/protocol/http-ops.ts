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
  // Not in xend: xm's `reboot -w` needs the restart count over every transport.
  { op: 'get_restart_count', method: 'xend.domain.getRestartCount', fields: [], accepted: false },
  { op: 'migrate_progress', method: 'xend.domain.migrateProgress', fields: [], accepted: false, struct: true },
  { op: 'migrate_cancel', method: 'xend.domain.migrateCancel', fields: [], accepted: false },
  { op: 'memory_checksum', method: 'xend.domain.getMemoryChecksum', fields: [], accepted: false },
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
