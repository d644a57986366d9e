import type { HvCpuPool, PoolLabel, Scheduler } from './types.js';

/** What Xen answers a request it refuses (EINVAL), as xc raised it. */
export const EINVAL = "(22, 'Invalid argument')";
const EBUSY = "(16, 'Device or resource busy')";
const ENOENT = "(2, 'No such file or directory')";

/** The pools part of a backend's host record. */
export interface PoolsRecord {
  pools?: HvCpuPool[];
}

/**
 * CPU pools as Xen's cpupool.c keeps them: pool 0 holds every CPU at boot and
 * runs the host's scheduler; a CPU is in at most one pool. The record is the
 * backend's host record, saved by its owner after each change.
 */
export class CpuPools {
  constructor(
    private readonly record: PoolsRecord,
    private readonly cpus: number,
    private readonly scheduler: Scheduler,
  ) {
    record.pools ??= [{ id: 0, sched: scheduler, cpus: Array.from({ length: cpus }, (_, i) => i) }];
  }

  private get pools(): HvCpuPool[] {
    return this.record.pools!;
  }

  list(): HvCpuPool[] {
    return this.pools.map((p) => ({ ...p, cpus: [...p.cpus], ...(p.label && { label: { ...p.label, otherConfig: { ...p.label.otherConfig } } }) }));
  }

  /** The CPUs of a pool; empty for one that does not exist. */
  cpusOf(id: number): number[] {
    return this.pools.find((p) => p.id === id)?.cpus ?? [];
  }

  schedulerOf(id: number): Scheduler {
    return this.pools.find((p) => p.id === id)?.sched ?? this.scheduler;
  }

  /** CPUs in no pool (xc.cpupool_freeinfo). */
  free(): number[] {
    const used = new Set(this.pools.flatMap((p) => p.cpus));
    return Array.from({ length: this.cpus }, (_, i) => i).filter((c) => !used.has(c));
  }

  create(sched: Scheduler, label: PoolLabel): number {
    let id = 1;
    while (this.pools.some((p) => p.id === id)) id++;
    this.pools.push({ id, sched, cpus: [], label });
    return id;
  }

  setLabel(id: number, label: PoolLabel): void {
    this.must(id).label = label;
  }

  destroy(id: number, domains: number): void {
    const p = this.must(id);
    if (id === 0 || p.cpus.length || domains) throw new Error(EBUSY);
    this.pools.splice(this.pools.indexOf(p), 1);
  }

  addCpu(id: number, cpu: number): void {
    const p = this.must(id);
    if (!this.free().includes(cpu)) throw new Error(EBUSY);
    p.cpus = [...p.cpus, cpu].sort((a, b) => a - b);
  }

  /** Xen keeps a CPU in a pool that has domains and no other CPU. */
  removeCpu(id: number, cpu: number, domains: number): void {
    const p = this.must(id);
    if (!p.cpus.includes(cpu)) throw new Error(EINVAL);
    if (p.cpus.length === 1 && domains) throw new Error(EBUSY);
    p.cpus = p.cpus.filter((c) => c !== cpu);
  }

  /** A domain may move only into a pool with CPUs to run on. */
  requireRunnable(id: number): void {
    if (!this.must(id).cpus.length) throw new Error(EINVAL);
  }

  private must(id: number): HvCpuPool {
    const p = this.pools.find((x) => x.id === id);
    if (!p) throw new Error(ENOENT);
    return p;
  }
}

/** Each VCPU's pinning (vcpu-pin): the physical CPUs it may run on, null for any. */
export type Pins = (number[] | null)[];

/**
 * The pinning once `vcpu` is pinned to `cpus` (xc.vcpu_setaffinity): the CPUs
 * that exist are kept; Xen refuses an affinity with no CPU of the domain's pool.
 * Undefined when no VCPU is pinned any more.
 */
export function pinVcpu(pins: Pins | undefined, vcpus: number, vcpu: number, cpus: readonly number[], hostCpus: number, pool: readonly number[]): Pins | undefined {
  if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= vcpus) throw new Error(EINVAL);
  const usable = [...new Set(cpus)].filter((c) => Number.isInteger(c) && c >= 0 && c < hostCpus).sort((a, b) => a - b);
  if (!usable.some((c) => pool.includes(c))) throw new Error(EINVAL);
  const next = Array.from({ length: vcpus }, (_, i) => pins?.[i] ?? null);
  next[vcpu] = usable.length === hostCpus ? null : usable;
  return next.some((a) => a !== null) ? next : undefined;
}

/** Where a VCPU runs: where its pinning meets its pool. */
export function runnableCpus(pin: readonly number[] | null | undefined, pool: readonly number[]): number[] {
  return pin ? pin.filter((c) => pool.includes(c)) : [...pool];
}

/**
 * A pool lost CPUs: a VCPU pinned only to CPUs it no longer has runs anywhere
 * in it again, as Xen broke its affinity. Returns the VCPUs broken and the
 * pinning left (undefined: none).
 */
export function breakPins(pins: Pins | undefined, pool: readonly number[]): { broken: number[]; pins: Pins | undefined } {
  const broken = (pins ?? []).flatMap((a, vcpu) => (a && !runnableCpus(a, pool).length ? [vcpu] : []));
  if (!broken.length) return { broken, pins };
  const left = pins!.map((a, vcpu) => (broken.includes(vcpu) ? null : a));
  return { broken, pins: left.some((a) => a !== null) ? left : undefined };
}

/** Keeps `pins` as a domain record's pinning; none is no key at all, as the record had before any pin. */
export function keepPins(record: { affinity?: Pins }, pins: Pins | undefined): void {
  if (pins) record.affinity = pins;
  else delete record.affinity;
}

/**
 * The domains of a pool left with CPUs `pool` whose pinning Xen broke: a draft
 * of each with the pinning left (for its backend to save), and the VCPUs broken.
 */
export function unpinnedDrafts<T extends { affinity?: Pins }>(members: readonly T[], pool: readonly number[]): { draft: T; broken: number[] }[] {
  return members.flatMap((m) => {
    const { broken, pins } = breakPins(m.affinity, pool);
    if (!broken.length) return [];
    const draft = { ...m };
    keepPins(draft, pins);
    return [{ draft, broken }];
  });
}
