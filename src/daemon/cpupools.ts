import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { XendError } from '../protocol/faults.js';
import { DurableDir } from '../store/durable.js';
import { backendCall } from './backend-call.js';
import { SCHEDULERS, type HvCpuPool, type HvDomain, type Hypervisor, type PoolLabel, type Scheduler } from '../hypervisor/types.js';
import {
  INSUFFICIENT_CPUS,
  INVALID_CPU,
  LAST_CPU,
  POOL_BAD_STATE,
  POOL_PARAM,
  UNKNOWN_SCHED,
  checkPoolName,
  poolError,
  poolFromConfig,
  poolListSxp,
  pyInt,
  type PoolRecord,
} from './cpupool-record.js';
import { DEFAULT_POOL } from '../vm/config.js';
import type { Logger } from './log.js';
import type { DomainService } from './domains.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt } from '../python-int.js';

/** This host's and its CPUs' references (XendNode's uuid and host_cpu refs), kept so they stay the same. */
interface HostRefs {
  node: string;
  cpus: string[];
}

/** What a pool migration needs of the domain registry. */
export interface PoolMembers {
  /** The domain, running or managed; undefined when there is none. */
  find(dom: string | number): { live?: HvDomain; name: string } | undefined;
  /** Its config names the pool from now on (dominfo.info['pool_name'], saved when managed). */
  setPoolName(dom: string | number, pool: string): void;
}

/** The registry's side of a pool migration. */
export function poolMembers(domains: DomainService): PoolMembers {
  return {
    find: (dom) => {
      try {
        const r = domains.resolve(dom);
        return { live: r.live, name: r.live?.name ?? r.managed!.config.name };
      } catch {
        return undefined;
      }
    },
    setPoolName: (dom, pool) => domains.keepConfig(dom, (c) => ({ ...c, poolName: pool })),
  };
}

/**
 * xend's CPU pools (XendCPUPool): the hypervisor's pools, named and described by
 * xend; managed pools (cpupool-new) are kept on disk and outlive xend, active
 * ones live in the hypervisor with their label, as in xenstore.
 */
export class CpuPoolService {
  private readonly pools = new Map<string, PoolRecord>();
  private readonly store: DurableDir<PoolRecord>;
  private readonly refs: HostRefs;
  /** Labels of a backend with no pools of its own (its one pool 0 is all it has). */
  private readonly localLabels = new Map<number, PoolLabel>();

  constructor(
    private readonly hv: Hypervisor,
    stateDir: string,
    private readonly log: Logger,
  ) {
    this.store = new DurableDir(join(stateDir, 'cpu_pool'));
    const refsStore = new DurableDir<HostRefs>(join(stateDir, 'host_cpu'));
    const cpus = hv.hostInfo().nr_cpus;
    const kept = refsStore.read('host');
    this.refs = { node: kept?.node ?? randomUUID(), cpus: Array.from({ length: cpus }, (_, i) => kept?.cpus[i] ?? randomUUID()) };
    if (kept?.node !== this.refs.node || kept.cpus.length !== cpus) refsStore.write('host', this.refs);
  }

  /** XendNode._init_cpu_pools: the managed pools, then every active one (recreate_active_pools). */
  recover(): void {
    for (const p of this.store.readAll((m) => this.log.error(`cpu_pool ${m}`))) this.pools.set(p.uuid, p);
    for (const hp of this.hvPools()) {
      const label = this.labelOf(hp);
      if (!label) {
        // No label (the first start after boot): a generic name, as xend gave it.
        const uuid = randomUUID();
        const p = this.instance({ uuid, name: `Pool-${hp.id}`, managed: false });
        this.writeLabel(hp.id, p);
        continue;
      }
      const known = this.pools.get(label.uuid);
      if (known) Object.assign(known, { name: label.name, description: label.description, otherConfig: label.otherConfig });
      else {
        this.instance({
          uuid: label.uuid,
          name: label.name,
          description: label.description,
          otherConfig: label.otherConfig,
          proposedCpus: hp.cpus,
          ncpu: hp.cpus.length,
          managed: false,
        });
      }
    }
  }

  /** XendCPUPool.autostart_pools: managed pools marked auto_power_on that are not active. */
  async autostart(): Promise<void> {
    for (const p of this.pools.values()) {
      if (!p.managed || !p.autoPowerOn || this.activeId(p) !== null) continue;
      try {
        await this.activate(p);
      } catch (err) {
        this.log.error(`Could not start pool ${p.name}: ${(err as Error).message}`);
      }
    }
  }

  // ---------------------------------------------------------------- xend.cpu_pool.*

  /** pool_create: an unmanaged pool, activated at once; gone when deactivated. */
  async create(config: Sxp): Promise<void> {
    const p = poolFromConfig(config, randomUUID(), false);
    this.requireFreeName(p);
    await this.activate(p);
    this.pools.set(p.uuid, p);
  }

  /** pool_new: a managed pool, kept on disk, not started. Returns its uuid. */
  new(config: Sxp): string {
    const p = poolFromConfig(config, randomUUID(), true);
    this.requireFreeName(p);
    this.save(p);
    return p.uuid;
  }

  async start(name: string): Promise<void> {
    await this.activate(this.mustFind(name));
  }

  list(names: readonly string[]): Sxp[] {
    const info = this.hv.hostInfo();
    const scheduler = info.xen_scheduler;
    const live = this.hv.list();
    const hvPools = this.hvPools();
    const rows = [...this.pools.values()].map((p) => {
      const id = this.activeId(p, hvPools);
      return { p, id, order: id ?? Number.MAX_SAFE_INTEGER };
    });
    rows.sort((a, b) => a.order - b.order || (a.p.name < b.p.name ? -1 : 1));
    return rows
      .filter(({ p }) => names.length === 0 || names.includes(p.name))
      .map(({ p, id }) => {
        const cpus = id === null ? [] : [...(hvPools.find((h) => h.id === id)?.cpus ?? [])].sort((a, b) => a - b);
        const vms = id === null ? [] : live.filter((d) => (d.cpuPool ?? 0) === id && !d.flags.dying);
        return poolListSxp(p, {
          active: id !== null,
          node: this.refs.node,
          scheduler,
          cpus,
          cpuRefs: cpus.map((c) => this.refs.cpus[c] ?? ''),
          vmUuids: vms.map((d) => d.uuid),
          vmNames: vms.map((d) => d.name),
        });
      });
  }

  /** pool_destroy: deactivates; an unmanaged pool is then forgotten. */
  async destroy(name: string): Promise<void> {
    const p = this.mustFind(name);
    const id = this.activeId(p);
    if (id === null) throw poolError(POOL_BAD_STATE, 'deactivated');
    if (this.members(id).length) throw poolError(POOL_BAD_STATE, 'in use');
    const hp = this.hvPools().find((h) => h.id === id)!;
    for (const cpu of hp.cpus) await backendCall(this.hv, 'cpuPoolRemoveCpu', 'remove CPUs from CPU pools')(id, cpu);
    await backendCall(this.hv, 'destroyCpuPool', 'destroy CPU pools')(id);
    if (!p.managed) this.pools.delete(p.uuid);
    this.log.info(`CPU pool ${p.name} deactivated`);
  }

  /** pool_delete: a managed pool that is not active leaves xend's management. */
  delete(name: string): void {
    const p = this.mustFind(name);
    if (this.activeId(p) !== null) throw poolError(POOL_BAD_STATE, 'activated');
    this.pools.delete(p.uuid);
    if (p.managed) this.store.remove(p.uuid);
  }

  async cpuAdd(name: string, cpu: string | number): Promise<void> {
    const p = this.mustFind(name);
    const number = this.cpuNumber(cpu);
    const id = this.activeId(p);
    if (id === null) throw poolError(POOL_BAD_STATE, 'deactivated');
    const owner = this.hvPools().find((h) => h.cpus.includes(number));
    if (owner) throw poolError(INVALID_CPU, `cpu already assigned to pool "${this.labelOf(owner)?.uuid ?? ''}"`);
    await backendCall(this.hv, 'cpuPoolAddCpu', 'add CPUs to CPU pools')(id, number);
    if (!p.proposedCpus.includes(number)) p.proposedCpus = [...p.proposedCpus, number];
    this.resized(p, id);
  }

  async cpuRemove(name: string, cpu: string | number): Promise<void> {
    const p = this.mustFind(name);
    const number = this.cpuNumber(cpu);
    const id = this.activeId(p);
    if (id === null) throw poolError(POOL_BAD_STATE, 'deactivated');
    const hp = this.hvPools().find((h) => h.id === id)!;
    if (!hp.cpus.includes(number)) throw poolError(INVALID_CPU, 'CPU not assigned to pool');
    if (hp.cpus.length < 2 && this.members(id).length > 0) throw poolError(LAST_CPU, 'could not remove last cpu');
    await backendCall(this.hv, 'cpuPoolRemoveCpu', 'remove CPUs from CPU pools')(id, number);
    p.proposedCpus = p.proposedCpus.filter((c) => c !== number);
    this.resized(p, id);
  }

  /** pool_migrate: a running domain moves now; every domain's config names the pool. */
  async migrate(dom: string | number, poolName: string, members: PoolMembers): Promise<void> {
    const p = this.find(poolName);
    if (!p) throw new XendError(`unknown pool ${poolName}`);
    const d = members.find(dom);
    if (!d) throw new XendError(`unknown domain ${String(dom)}`);
    if (d.live) {
      if (d.live.domid === 0) throw new XendError('could not move Domain-0');
      const id = this.activeId(p);
      try {
        if (id === null) throw new Error('pool not active');
        await backendCall(this.hv, 'moveToCpuPool', 'move domains between CPU pools')(d.live.domid, id);
      } catch (err) {
        this.log.error(`Moving ${d.name} to pool ${poolName}: ${(err as Error).message}`);
        throw new XendError('could not move domain');
      }
    }
    members.setPoolName(dom, poolName);
  }

  // ---------------------------------------------------------------- for the domains

  /** XendDomainInfo._constructDomain: the pool a domain starts in, by its config's pool_name. */
  placement(poolName: string): number {
    const name = poolName || DEFAULT_POOL;
    const p = this.find(name);
    if (!p) throw new XendError(`unknown pool ${name}`);
    const id = this.activeId(p);
    if (id === null) throw new XendError(`pool ${name} not activated`);
    return id;
  }

  /** The scheduler of the pool a running domain is in. */
  schedulerOf(d: HvDomain): string {
    return this.hvPools().find((h) => h.id === (d.cpuPool ?? 0))?.sched ?? this.hv.hostInfo().xen_scheduler;
  }

  // ---------------------------------------------------------------- inside

  /** XendCPUPool.activate: a hypervisor pool with ncpu free CPUs, the proposed ones first. */
  private async activate(p: PoolRecord): Promise<void> {
    if (this.activeId(p) !== null) throw poolError(POOL_BAD_STATE, 'activated');
    const sched = p.schedPolicy || this.hv.hostInfo().xen_scheduler;
    if (!(SCHEDULERS as readonly string[]).includes(sched)) throw poolError(UNKNOWN_SCHED);
    const free = this.freeCpus();
    if (free.length < p.ncpu) throw poolError(INSUFFICIENT_CPUS, String(p.ncpu), String(free.length));
    const preferred = p.proposedCpus.filter((c) => free.includes(c));
    const chosen = (preferred.length < p.ncpu ? [...preferred, ...free.filter((c) => !preferred.includes(c))] : preferred).slice(0, p.ncpu);
    const id = await backendCall(this.hv, 'createCpuPool', 'create CPU pools')(sched as Scheduler, this.label(p));
    for (const cpu of chosen) await backendCall(this.hv, 'cpuPoolAddCpu', 'add CPUs to CPU pools')(id, cpu);
    this.log.info(`CPU pool ${p.name} activated as pool ${id} with CPUs ${chosen.join(',') || 'none'}`);
  }

  private instance(fields: Partial<PoolRecord> & Pick<PoolRecord, 'uuid' | 'name' | 'managed'>): PoolRecord {
    const p: PoolRecord = { description: fields.name, proposedCpus: [], autoPowerOn: false, ncpu: 1, schedPolicy: '', otherConfig: {}, ...fields };
    this.pools.set(p.uuid, p);
    return p;
  }

  /** XendCPUPool.lookup_pool: a pool id, else a name. */
  private find(idOrName: string): PoolRecord | undefined {
    if (isPyInt(idOrName)) {
      const hp = this.hvPools().find((h) => h.id === Number(idOrName));
      const uuid = hp && this.labelOf(hp)?.uuid;
      if (uuid && this.pools.has(uuid)) return this.pools.get(uuid);
    }
    return [...this.pools.values()].find((p) => p.name === idOrName);
  }

  private mustFind(name: string): PoolRecord {
    const p = this.find(name);
    if (!p) throw new XendError(`unknown pool ${name}`);
    return p;
  }

  private requireFreeName(p: PoolRecord): void {
    checkPoolName(p.name);
    if (this.find(p.name)) throw poolError(POOL_PARAM, `Pool name "${p.name}" already exists`);
  }

  /** The id of the hypervisor pool that carries this pool's label, or null (not active). */
  private activeId(p: PoolRecord, hvPools = this.hvPools()): number | null {
    return hvPools.find((h) => this.labelOf(h)?.uuid === p.uuid)?.id ?? null;
  }

  private members(id: number): HvDomain[] {
    return this.hv.list().filter((d) => (d.cpuPool ?? 0) === id);
  }

  private hvPools(): HvCpuPool[] {
    if (this.hv.cpuPools) return this.hv.cpuPools();
    const info = this.hv.hostInfo();
    return [{ id: 0, sched: info.xen_scheduler as Scheduler, cpus: Array.from({ length: info.nr_cpus }, (_, i) => i) }];
  }

  private freeCpus(): number[] {
    const used = new Set(this.hvPools().flatMap((h) => h.cpus));
    return this.refs.cpus.map((_, i) => i).filter((c) => !used.has(c));
  }

  private labelOf(hp: HvCpuPool): PoolLabel | undefined {
    return hp.label ?? this.localLabels.get(hp.id);
  }

  private label(p: PoolRecord): PoolLabel {
    return { uuid: p.uuid, name: p.name, description: p.description, otherConfig: { ...p.otherConfig } };
  }

  private writeLabel(id: number, p: PoolRecord): void {
    if (this.hv.setPoolLabel) this.hv.setPoolLabel(id, this.label(p));
    else this.localLabels.set(id, this.label(p));
  }

  /** pool_cpu_add/remove's int(cpu), then _cpu_number_to_ref. */
  private cpuNumber(cpu: string | number): number {
    const n = pyInt(cpu);
    if (n < 0 || n >= this.refs.cpus.length) throw poolError(INVALID_CPU, 'CPU unknown');
    return n;
  }

  /** _update_ncpu, then the managed pool saved. */
  private resized(p: PoolRecord, id: number): void {
    p.ncpu = this.hvPools().find((h) => h.id === id)?.cpus.length ?? p.ncpu;
    if (p.managed) this.save(p);
  }

  private save(p: PoolRecord): void {
    this.store.write(p.uuid, p);
    this.pools.set(p.uuid, p);
  }
}

