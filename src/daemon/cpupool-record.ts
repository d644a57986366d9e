import { XendError } from '../protocol/faults.js';
import { Py2KeyOrder } from '../py2-dict-order.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt, notAnInt } from '../python-int.js';

/** XendCPUPool's PoolError codes (its spelling kept). */
export const POOL_PARAM = 'PARAMETER_ERROR';
export const POOL_BAD_STATE = 'POOL_BAD_STATE';
export const UNKNOWN_SCHED = 'UNKOWN_SCHED_POLICY';
export const INSUFFICIENT_CPUS = 'INSUFFICIENT_CPUS';
export const INVALID_CPU = 'INVAILD_CPU';
export const LAST_CPU = 'LAST_CPU_NOT_REMOVEABLE';

const pyStr = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/**
 * A PoolError as the legacy calls re-raised it, `VmError(ex.get_api_error())`:
 * xm printed the list, so its text is the list's Python repr.
 */
export function poolError(code: string, ...spec: string[]): XendError {
  return new XendError(`[${[code, ...spec].map(pyStr).join(', ')}]`);
}

/** A pool as xend keeps it (XendCPUPool's attributes); managed pools are saved as this. */
export interface PoolRecord {
  uuid: string;
  name: string;
  description: string;
  proposedCpus: number[];
  autoPowerOn: boolean;
  ncpu: number;
  /** Empty: the host's scheduler. */
  schedPolicy: string;
  otherConfig: Record<string, string>;
  managed: boolean;
}

/** What one pool's listing holds beside its record. */
export interface PoolState {
  active: boolean;
  node: string;
  scheduler: string;
  cpuRefs: string[];
  cpus: number[];
  vmUuids: string[];
  vmNames: string[];
}

const NAME_RE = /^[A-Za-z0-9_\-.:/+]+$/;
const MAX_NAME = 128;
const MAX_ITEMS = 4096;
const MAX_TEXT = 1024;

/** XendCPUPool._checkName's first two checks (the third, uniqueness, is the service's). */
export function checkPoolName(name: unknown): string {
  if (name === undefined || name === null || name === '') throw poolError(POOL_PARAM, 'Missing Pool Name');
  if (typeof name !== 'string' || name.length > MAX_NAME || !NAME_RE.test(name)) throw poolError(POOL_PARAM, 'Invalid Pool Name');
  return name;
}

/** Deeper than a pool config ever is (other_config's pairs are the deepest, at 3). */
const MAX_DEPTH = 8;

/** sxputils.sxp2map: `(key value)` to a value, `(key v1 v2 …)` to a list, `(key (k v) …)` to a map. */
export function sxp2map(s: Sxp, depth = 0): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(s)) return out;
  if (depth > MAX_DEPTH) throw poolError(POOL_PARAM, 'config');
  for (const child of s.slice(1)) {
    if (!Array.isArray(child) || child.length < 2) continue;
    const key = String(child[0]);
    const first = child[1];
    if (Array.isArray(first) && first.length > 1) out.set(key, sxp2map(child, depth + 1));
    else out.set(key, child.length > 2 ? child.slice(1) : first);
  }
  return out;
}

/** Python's int() of a value, or its ValueError (an internal fault, as xend's). */
export function pyInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const text = String(v);
  if (!isPyInt(text)) throw new Error(notAnInt(text.slice(0, 64)));
  return Number(text);
}

const bounded = (v: unknown, what: string): string => {
  const s = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  if (s.length > MAX_TEXT) throw poolError(POOL_PARAM, what);
  return s;
};

/** XendCPUPool.__init__ from a legacy config (`(pool (name_label …) …)`), every value bounded. */
export function poolFromConfig(config: Sxp, uuid: string, managed: boolean): PoolRecord {
  if (!Array.isArray(config)) throw poolError(POOL_PARAM, 'config');
  const r = sxp2map(config);
  const name = checkPoolName(r.get('name_label') ?? 'Pool-Unnamed');
  const proposed = r.get('proposed_CPUs') ?? [];
  const proposedList = Array.isArray(proposed) ? proposed : [proposed];
  if (proposedList.length > MAX_ITEMS) throw poolError(POOL_PARAM, 'proposed_CPUs');
  const ncpu = pyInt(r.get('ncpu') ?? 1);
  if (ncpu > MAX_ITEMS || ncpu < 0) throw poolError(POOL_PARAM, 'ncpu');
  const other = r.get('other_config');
  const otherConfig: Record<string, string> = {};
  if (other instanceof Map) {
    if (other.size > 64) throw poolError(POOL_PARAM, 'other_config');
    for (const [k, v] of other) otherConfig[bounded(k, 'other_config')] = bounded(v, 'other_config');
  }
  return {
    uuid,
    name,
    description: bounded(r.get('name_description') ?? name, 'name_description'),
    proposedCpus: [...new Set(proposedList.map(pyInt))].filter((c) => c >= 0 && c < MAX_ITEMS).sort((a, b) => a - b),
    autoPowerOn: Boolean(r.get('auto_power_on') ?? false) && r.get('auto_power_on') !== '0',
    ncpu,
    schedPolicy: bounded(r.get('sched_policy') ?? '', 'sched_policy').slice(0, 64),
    otherConfig,
    managed,
  };
}

/** Python 2's order of a dict's str keys, as map2sxp walked them. */
const py2Order = (keys: readonly string[]) => new Py2KeyOrder(keys).keys();

/** get_record's keys (getAttrRO then getAttrRW), then the two pool_list adds, in the order a Python 2 dict gave them. */
const LIST_KEYS = py2Order([
  'uuid',
  'resident_on',
  'started_VMs',
  'host_CPUs',
  'activated',
  'name_label',
  'name_description',
  'auto_power_on',
  'ncpu',
  'sched_policy',
  'proposed_CPUs',
  'other_config',
  'host_CPU_numbers',
  'started_VM_names',
]);

/** One pool of xend.cpu_pool.list: `[uuid, [key, value…]…]` (map2sxp of its record). */
export function poolListSxp(p: PoolRecord, s: PoolState): Sxp {
  const other = py2Order(Object.keys(p.otherConfig)).map((k): Sxp => [k, p.otherConfig[k]!]);
  const values: Record<string, Sxp[]> = {
    uuid: [p.uuid],
    resident_on: [s.node],
    started_VMs: s.vmUuids,
    host_CPUs: s.cpuRefs,
    activated: [s.active],
    name_label: [p.name],
    name_description: [p.description],
    auto_power_on: [p.autoPowerOn ? 1 : 0],
    ncpu: [p.ncpu],
    sched_policy: [p.schedPolicy || s.scheduler],
    proposed_CPUs: p.proposedCpus.map(String),
    other_config: other,
    host_CPU_numbers: s.cpus,
    started_VM_names: s.vmNames,
  };
  return [p.uuid, ...LIST_KEYS.map((k): Sxp => [k, ...values[k]!])];
}
