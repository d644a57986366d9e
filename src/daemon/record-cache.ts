import { KeptArray, keptList, retireList } from '../protocol/xmlrpc/index.js';
import type { HvDomain, VcpuPinning } from '../hypervisor/types.js';
import { pyFloat } from '../sxp/float.js';
import type { Sxp } from '../sxp/types.js';
import { domainSxp, pinnedCpus } from './domain-sxp.js';

/**
 * Whether two views show the same in a record, cpu_time and pinning aside: every
 * field the record is made of (config by identity), read by name, nothing allocated
 * (a listing compares every domain's).
 */
function sameView(a: HvDomain, b: HvDomain): boolean {
  const f = a.flags;
  const g = b.flags;
  return (
    a.domid === b.domid &&
    a.name === b.name &&
    a.uuid === b.uuid &&
    a.config === b.config &&
    a.memoryMiB === b.memoryMiB &&
    a.maxmemMiB === b.maxmemMiB &&
    a.vcpus === b.vcpus &&
    a.onlineVcpus === b.onlineVcpus &&
    a.startTime === b.startTime &&
    a.cpuWeight === b.cpuWeight &&
    a.cpuCap === b.cpuCap &&
    a.vncLocation === b.vncLocation &&
    f.running === g.running &&
    f.blocked === g.blocked &&
    f.paused === g.paused &&
    f.shutdown === g.shutdown &&
    f.crashed === g.crashed &&
    f.dying === g.dying
  );
}

/** A record handed out, and the CPU times it stays current for. */
interface Shown {
  record: Sxp[];
  /** The CPU times from `low` to `high` the record stands for (printedAlike, or its own alone). */
  low: number;
  high: number;
}

interface Entry {
  /** The view the record was made from. */
  view: HvDomain;
  /** Each VCPU's pinning as the record shows it (null: unpinned). */
  pins: (readonly number[] | null)[];
  record: KeptArray<Sxp>;
  /** The record last handed out: handed out again while its cpu_time is as current as the listing needs. */
  shown?: Shown;
}

/**
 * Each live domain's `(domain …)` record, full and brief, kept (with its XML-RPC
 * encoding, made on first use) until its view shows something else; cpu_time, which
 * moves by itself, is made anew in a brief record once `xm list` would print it
 * otherwise (printedAlike: a listing is as current as xm shows it), in a full one
 * (`xm list --long` prints it whole, `xm top` takes differences) whenever it moves.
 * The key is the whole view the record is made of (config by identity: a changed
 * config is a new object), so no path that changes a domain needs to say so; entries
 * of domains no longer listed are dropped as the cache outgrows the listing. A listing
 * of the same records as the last is the last list itself, whose whole response the
 * XML-RPC server keeps (keepResponse) until a new listing retires it (retireList).
 */
export class RecordCache {
  private readonly brief = new Map<number, Entry>();
  private readonly full = new Map<number, Entry>();
  /** The last listing, brief and full. */
  private readonly lastList: { brief?: Sxp[]; full?: Sxp[] } = {};

  /**
   * The records of `rows` in their order, as one list whose encoding writes each live
   * domain's kept bytes: a live domain's record (with its pinning, `pinsOf`), an
   * inactive domain's as its row makes it.
   */
  list(rows: readonly (HvDomain | { inactive: () => Sxp })[], full: boolean, pinsOf: (d: HvDomain) => VcpuPinning | undefined): Sxp[] {
    const items: Sxp[] = new Array(rows.length);
    const kept: (KeptArray | undefined)[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      if ('inactive' in row) {
        items[i] = row.inactive();
        continue;
      }
      const e = this.entry(row, full, pinsOf(row));
      items[i] = shownRecord(e, row.cpuTime, full);
      kept[i] = e.record as KeptArray;
    }
    const which = full ? 'full' : 'brief';
    const previous = this.lastList[which];
    if (previous && sameItems(previous, items)) return previous;
    retireList(previous); // its kept response's memory may serve others once written
    return (this.lastList[which] = keptList(items, kept));
  }

  /** Forgets the entries of domains not in `live`, once there are many more of them than it has. */
  prune(live: readonly HvDomain[]): void {
    if (this.brief.size + this.full.size <= 2 * live.length + 16) return;
    const ids = new Set(live.map((d) => d.domid));
    for (const entries of [this.brief, this.full]) for (const domid of entries.keys()) if (!ids.has(domid)) entries.delete(domid);
  }

  private entry(d: HvDomain, full: boolean, pins?: VcpuPinning): Entry {
    const entries = full ? this.full : this.brief;
    let e = entries.get(d.domid);
    if (!e || !sameView(e.view, d) || !samePinning(e.pins, d.vcpus, pins)) {
      const sxp = domainSxp(d, full, pins) as Sxp[];
      const at = sxp.findIndex((x) => Array.isArray(x) && x[0] === 'cpu_time');
      entries.set(d.domid, (e = { view: d, pins: pinningOf(d.vcpus, pins), record: new KeptArray<Sxp>(sxp, at) }));
    }
    return e;
  }
}

/** The entry's record as it stands for CPU time `t`: the one last handed out while it does. */
function shownRecord(e: Entry, t: number, full: boolean): Sxp[] {
  const shown = e.shown;
  if (shown && t >= shown.low && t <= shown.high) return shown.record;
  const record = e.record.with(Object.freeze(['cpu_time', pyFloat(t)]) as Sxp);
  e.shown = { record, ...(full ? { low: t, high: t } : printedAlike(t)) };
  return record;
}

/**
 * The CPU times xm prints as it prints `t` (`%8.1f`): those strictly between the two
 * halfway points around t's tenth, narrowed by far more than a double's error, so none
 * is halfway (Python rounds that to even, JavaScript up) or near it, and none below 0
 * (-0.0). A t outside that range, or below 0 (no CPU time is), is alike only to itself.
 */
export function printedAlike(t: number): { low: number; high: number } {
  const tenth = Math.round(t * 10);
  const margin = 1e-9 * Math.max(1, t);
  const low = Math.max(0, (tenth - 0.5) / 10 + margin);
  const high = (tenth + 0.5) / 10 - margin;
  return t >= low && t <= high ? { low, high } : { low: t, high: t };
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Copies: the backend's arrays are its own, and may be changed in place. */
function pinningOf(vcpus: number, pins?: VcpuPinning): (readonly number[] | null)[] {
  const p = new Array<readonly number[] | null>(vcpus);
  for (let i = 0; i < vcpus; i++) p[i] = pinnedCpus(pins, i)?.slice() ?? null;
  return p;
}

function samePinning(kept: (readonly number[] | null)[], vcpus: number, pins?: VcpuPinning): boolean {
  if (kept.length !== vcpus) return false;
  for (let i = 0; i < vcpus; i++) if (!samePins(kept[i]!, pinnedCpus(pins, i))) return false;
  return true;
}

function samePins(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  return sameItems(a, b);
}
