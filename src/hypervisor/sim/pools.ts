import type { HvCpuPool, PoolLabel, Scheduler, SedfParams } from '../types.js';

/** What Xen answers a request it refuses (EINVAL), as xc raised it. */
export const EINVAL = "(22, 'Invalid argument')";
const EBUSY = "(16, 'Device or resource busy')";
const ENOENT = "(2, 'No such file or directory')";

/** The pools part of the simulated host's record. */
export interface PoolsRecord {
  pools?: HvCpuPool[];
}

/** sched_sedf.c's defaults for a new VCPU: best effort, extratime only. */
export const SEDF_DEFAULTS: SedfParams = { period: 100_000_000, slice: 0, latency: 0, extratime: 1, weight: 0 };
const SEDF_PERIOD_MIN = 10_000;
const SEDF_PERIOD_MAX = 10_000_000_000;
const SEDF_SLICE_MIN = 5_000;

/**
 * The simulated hypervisor's CPU pools (Xen's cpupool.c): pool 0 holds every
 * CPU at boot and runs the host's scheduler; a CPU is in at most one pool.
 * The record is the host's, saved by its owner after each change.
 */
export class SimPools {
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

/** sedf_adjust's putinfo: weight-driven with extratime, weight-driven real-time, or time-driven within its bounds. */
export function adjustSedf(now: SedfParams, asked: SedfParams): SedfParams {
  if (!asked.period && !asked.weight) throw new Error(EINVAL);
  const extratime = asked.extratime & 1;
  if (asked.weight) {
    if (extratime && !asked.period) return { period: SEDF_DEFAULTS.period, slice: 0, latency: asked.latency, extratime, weight: 0 };
    return { ...now, latency: asked.latency, extratime, weight: asked.weight };
  }
  if (asked.period > SEDF_PERIOD_MAX || asked.period < SEDF_PERIOD_MIN || asked.slice > asked.period || asked.slice < SEDF_SLICE_MIN) throw new Error(EINVAL);
  return { period: asked.period, slice: asked.slice, latency: asked.latency, extratime, weight: 0 };
}
