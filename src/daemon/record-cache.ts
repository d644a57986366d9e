import { KeptArray } from '../protocol/xmlrpc/index.js';
import type { DomainFlags, HvDomain } from '../hypervisor/types.js';
import { pyFloat } from '../sxp/float.js';
import type { Sxp } from '../sxp/types.js';
import { domainSxp, pinnedCpus, type Pins } from './domain-sxp.js';

/** Everything of a domain's view its record shows, but cpu_time and pinning: what decides the record's bytes. */
const VIEW = ['domid', 'name', 'uuid', 'config', 'memoryMiB', 'maxmemMiB', 'vcpus', 'onlineVcpus', 'startTime', 'cpuWeight', 'cpuCap', 'vncLocation'] as const satisfies readonly (keyof HvDomain)[];
const FLAGS = ['running', 'blocked', 'paused', 'shutdown', 'crashed', 'dying'] as const satisfies readonly (keyof DomainFlags)[];

type Shape = Pick<HvDomain, (typeof VIEW)[number]> & {
  flags: DomainFlags;
  /** Each VCPU's pinning as the record shows it (null: unpinned). */
  pins: (readonly number[] | null)[];
};

interface Entry {
  shape: Shape;
  record: KeptArray<Sxp>;
}

/**
 * Each live domain's `(domain …)` record, full and brief, kept (with its XML-RPC
 * encoding, made on first use) until its view shows something else; only cpu_time,
 * which moves by itself, is new in every record handed out. The key is the whole
 * view the record is made of (config by identity: a changed config is a new object),
 * so no path that changes a domain needs to say so; entries of domains no longer
 * listed are dropped as the cache outgrows the listing.
 */
export class RecordCache {
  private readonly brief = new Map<number, Entry>();
  private readonly full = new Map<number, Entry>();

  record(d: HvDomain, full: boolean, pins?: Pins): Sxp[] {
    const entries = full ? this.full : this.brief;
    let e = entries.get(d.domid);
    if (!e || !matches(e.shape, d, pins)) {
      const sxp = domainSxp(d, full, pins) as Sxp[];
      const at = sxp.findIndex((x) => Array.isArray(x) && x[0] === 'cpu_time');
      entries.set(d.domid, (e = { shape: shapeOf(d, pins), record: new KeptArray<Sxp>(sxp, at) }));
    }
    return e.record.with(['cpu_time', pyFloat(d.cpuTime)]);
  }

  /** Forgets the entries of domains not in `live`, once there are many more of them than it has. */
  prune(live: readonly HvDomain[]): void {
    if (this.brief.size + this.full.size <= 2 * live.length + 16) return;
    const ids = new Set(live.map((d) => d.domid));
    for (const entries of [this.brief, this.full]) for (const domid of entries.keys()) if (!ids.has(domid)) entries.delete(domid);
  }
}

function shapeOf(d: HvDomain, pins?: Pins): Shape {
  const p = new Array<readonly number[] | null>(d.vcpus);
  for (let i = 0; i < d.vcpus; i++) p[i] = pinnedCpus(pins, i);
  const shape = { flags: { ...d.flags }, pins: p } as Shape;
  for (const k of VIEW) (shape as Record<string, unknown>)[k] = d[k];
  return shape;
}

/** Whether `d` (with `pins`) still shows what `s` does; compared in place, since most calls find it does. */
function matches(s: Shape, d: HvDomain, pins?: Pins): boolean {
  for (const k of VIEW) if (s[k] !== d[k]) return false;
  for (const k of FLAGS) if (s.flags[k] !== d.flags[k]) return false;
  for (let i = 0; i < d.vcpus; i++) if (!samePins(s.pins[i]!, pinnedCpus(pins, i))) return false;
  return true;
}

function samePins(a: readonly number[] | null, b: readonly number[] | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
