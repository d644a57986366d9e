import { randomUUID } from 'node:crypto';
import { renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { XendError } from '../protocol/faults.js';
import { DOMAIN_NAME_RE, INVALID_NAME, POWER_STATES, PowerState, hasVcpus, isStarted } from '../protocol/domain.js';
import { SHUTDOWN_REASONS, TRIGGERS, type HvDomain, type Hypervisor, type RecordChanges, type ShutdownReason, type Trigger, type VcpuPinning } from '../hypervisor/types.js';
import { freeMemory, type BalloonPolicy } from './balloon.js';
import { checkImageType, parseVmConfig, vmConfigSxp, type VmConfig } from '../vm/config.js';
import { checkHostMemory, checkVcpus } from '../vm/config-limits.js';
import { makeDirDurably, writeFileDurably } from '../store/durable.js';
import { checkScripts, confineConfig, type ConfigRules } from './path-policy.js';
import { DomainIndex, type Resolved } from './domain-index.js';
import { backendCall } from './backend-call.js';
import { RecordCache } from './record-cache.js';
import { domainSxp, inactiveDomainSxp, pinsOfVcpus, powerState } from './domain-sxp.js';
import { asctime, type Logger } from './log.js';
import type { AcceptedConfigs } from './accepted-configs.js';
import { pyFloat } from '../sxp/float.js';
import type { Sxp } from '../sxp/types.js';
import { managedState, type ManagedStore } from './managed-store.js';
import type { PendingRestart, RestartJournal } from './restart-journal.js';
import { isPyInt, notAnInt } from '../python-int.js';

/** Restarts closer together than this count towards a restart loop. */
const RESTART_WINDOW_S = 60;
const MAX_RESTARTS_IN_WINDOW = 3;

/** What xend's XendConfig._memory_sanity_check said when a target passed the maximum. */
/** xend's words, then ours in MiB on the next line. */
const memoryAboveMax = (detail: string) => new XendError(`Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max\n${detail}`);

export interface DomainServiceOptions {
  /** Managed domains (xm new): listed and looked up beside the live ones. */
  managed?: ManagedStore;
  /** Where core dumps go unless a file is named (/var/xen/dump). */
  dumpDir?: string;
  /** enable-dump: a crashed guest's core is written before its on_crash action. */
  enableDump?: boolean;
  /** Restarts begun and not finished, so a crash of xend mid-restart loses no domain. */
  journal?: RestartJournal;
  /** What a config may name on this host: scripts for everyone, files for a relocation peer. */
  rules?: ConfigRules;
  /** Where a domain record that cannot be served is set aside on recovery. */
  asideDir?: string;
  /** The configs accepted at earlier starts, not read again on recovery (absent: each is). */
  accepted?: AcceptedConfigs;
  /** The CPU pool a domain starts in, by its config's pool_name (CpuPoolService.placement). */
  pools?: { placement(poolName: string): number };
  /** Refuses a domain whose config gives it host devices another domain holds (pass-through). */
  checkDevices?: (config: VmConfig) => void;
}

/**
 * The domain registry: lookup by name, id or uuid, validation, and lifecycle
 * actions. Every server (XML-RPC, HTTP, relocation) calls this and nothing else.
 * Checks and changes of xend's view are synchronous; what waits on the backend
 * (building a domain, a backend's answer) is awaited, with the new domain's
 * name and uuid reserved meanwhile, so that other requests are served and none
 * takes them.
 */
export class DomainService {
  private readonly recentRestarts = new Map<string, number[]>();
  /** Domains xm paused (xend's paused_by_admin), as `uuid/domid`: a restarted domain starts without it. */
  private readonly pausedByAdmin = new Set<string>();
  private readonly index: DomainIndex;
  /** The records listings hand out, kept while each domain's view is unchanged (pruned by listings, so only they use it). */
  private readonly records = new RecordCache();
  /** The hypervisor with the index kept true: what every service that creates, destroys or renames domains uses. */
  readonly hv: Hypervisor;

  constructor(
    hv: Hypervisor,
    private readonly balloon: BalloonPolicy,
    private readonly log: Logger,
    /** Told when a domain is gone for good (destroyed, not restarted). */
    private readonly onGone: (uuid: string) => void = () => {},
    private readonly opts: DomainServiceOptions = {},
  ) {
    this.index = new DomainIndex(hv, opts.managed);
    this.hv = this.index.tracked;
  }

  /** On xend start: adopt the domains the hypervisor kept, and finish what happened meanwhile. */
  async recover(): Promise<void> {
    for (const r of this.opts.journal?.pending((m) => this.log.error(`restart journal: ${m}`)) ?? []) {
      try {
        await this.finishRestart(r);
      } catch (err) {
        // A restart that cannot be finished must not stop every later start of xend.
        this.log.error(`Could not finish the restart of ${r.old.name}: ${(err as Error).message}`);
        this.opts.journal?.end(r.uuid);
      }
    }
    const hostMemory = this.hv.hostInfo().total_memory;
    for (const d of this.hv.list()) {
      if (d.domid === 0) continue;
      if (d.incomplete) {
        // xend died while this domain was being restored or received: it never was whole.
        this.log.warning(`Destroying domain ${d.domid} (${d.name}), left half-restored`);
        this.hv.destroy(d.domid);
        continue;
      }
      if (!this.servable(d, hostMemory)) continue;
      this.log.info(`Recreating domain ${d.domid}, UUID ${d.uuid}. at ${asctime()}`);
      if ((d.flags.shutdown || d.flags.crashed) && !d.shutdownHandled) await this.onShutdown(d.domid, d.shutdownReason ?? 'poweroff', true);
    }
    this.opts.accepted?.save();
  }

  /**
   * Whether an adopted domain's record is one xend could have admitted. One that
   * is not (a record from before a limit, or written by hand) would fail every
   * listing: it is kept aside as JSON for a person to look at, and destroyed.
   */
  private servable(d: HvDomain, hostMemory: number): boolean {
    try {
      checkVcpus(d.vcpus);
      checkHostMemory('maxmem', d.maxmemMiB, hostMemory);
      // Its config as SXP, read again under today's rules: one a client could send now.
      const config = configOf(d);
      const check = () => void parseVmConfig(vmConfigSxp(config));
      if (this.opts.accepted) this.opts.accepted.accept(config, check);
      else check();
      return true;
    } catch (err) {
      const kept = this.setAside(d);
      this.log.error(`Domain ${d.domid} cannot be served (${(err as Error).message}): destroyed${kept ? `, its record kept as ${kept}` : ''}`);
      this.hv.destroy(d.domid);
      return false;
    }
  }

  private setAside(d: HvDomain): string | null {
    const dir = this.opts.asideDir;
    if (!dir) return null;
    const path = join(dir, `${d.uuid}-${d.domid}.json`);
    const { domid, uuid, name, vcpus, memoryMiB, maxmemMiB, config } = d;
    makeDirDurably(dir, 0o700);
    writeFileDurably(path, JSON.stringify({ domid, uuid, name, vcpus, memoryMiB, maxmemMiB, config }));
    return path;
  }

  /** xend.domain: name (running first), then domid, then uuid. */
  lookup(dom: string | number): HvDomain {
    return this.index.lookup(dom);
  }

  /** A running or managed domain (DomainIndex.resolve). */
  resolve(dom: string | number): Resolved {
    return this.index.resolve(dom);
  }

  /** For calls that need a running domain: a managed one that is not running is "not started", not unknown. */
  requireStarted(dom: string | number): void {
    if (!this.resolve(dom).live) throw new XendError(`Domain '${String(dom)}' is not started`);
  }

  /** Power state of whatever `resolve` found: a live domain's, else its managed entry's (halted or suspended). */
  stateOf(r: Resolved): PowerState {
    return r.live ? powerState(r.live) : managedState(r.managed!);
  }

  domain(dom: string | number, full = false): Sxp {
    const r = this.resolve(dom);
    if (r.live) return domainSxp(r.live, full, this.pinsReader()(r.live));
    return inactiveDomainSxp(r.managed!.config, managedState(r.managed!), full);
  }

  /** xend.domains_with_state: records (or names) sorted by name, filtered by power state; managed domains included. */
  domainsWithState(detail: boolean, state: string | number, full: boolean): Sxp[] {
    const wanted = stateFilter(state);
    const live = this.hv.list();
    // The live views themselves, and a row for each managed domain not running: a listing allocates little.
    const rows: (HvDomain | InactiveRow)[] = [];
    for (const d of live) if (wanted(powerState(d))) rows.push(d);
    const managed = this.opts.managed?.list() ?? [];
    if (managed.length) {
      const running = new Set(live.map((d) => d.uuid));
      for (const m of managed) {
        const status = managedState(m);
        if (!running.has(m.config.uuid) && wanted(status)) rows.push({ name: m.config.name, inactive: () => inactiveDomainSxp(m.config, status, full) });
      }
    }
    this.records.prune(live);
    rows.sort(byName);
    if (!detail) return rows.map((r) => r.name);
    return this.records.list(rows, full, this.pinsReader());
  }

  /**
   * Each VCPU's pinning as the hypervisor has it (the record's `cpus`), if it says: a
   * reader for one listing. From vcpuPinning where the backend has it; else from
   * vcpuInfo, asking the host's CPUs once (bound methods: the tracking proxy before
   * the backend is asked for them per domain otherwise).
   */
  private pinsReader(): (d: HvDomain) => VcpuPinning | undefined {
    const pinning = this.hv.vcpuPinning?.bind(this.hv);
    const vcpuInfo = this.hv.vcpuInfo.bind(this.hv);
    let hostCpus: number | undefined;
    return (d) => {
      try {
        return pinning ? pinning(d.domid) : pinsOfVcpus(vcpuInfo(d.domid), (hostCpus ??= this.hv.hostInfo().nr_cpus));
      } catch {
        return undefined;
      }
    };
  }

  create(configSxp: Sxp): Promise<Sxp> {
    return this.createFrom(parseVmConfig(configSxp));
  }

  /** A domain built from a config xend holds (a managed domain's), under the checks of one a client sends. */
  async createFrom(config: VmConfig): Promise<Sxp> {
    this.admit(config, false);
    this.index.requireUniqueName(config.name, config.uuid, 'create');
    freeMemory(this.hv, config.memory, this.balloon);
    const d = await this.build(config, 0);
    this.log.info(`Started domain ${config.name} (id=${d.domid})`);
    return domainSxp(d, true);
  }

  /**
   * Builds the paused, still incomplete domain a restore or an incoming migration
   * fills. A relocating domain may share its uuid with its source on this host.
   */
  async createIncoming(configSxp: Sxp, relocating: boolean): Promise<HvDomain> {
    const config = parseVmConfig(configSxp);
    // A relocation peer is not root: what its config names is confined.
    this.admit(config, relocating);
    this.index.requireUniqueName(config.name, config.uuid, relocating ? 'relocation' : 'create');
    freeMemory(this.hv, config.memory, this.balloon);
    return this.build(config, 0, true);
  }

  /** The domain record as the save stream carries it (full, with devices). */
  record(domid: number): Sxp {
    return domainSxp(this.hv.get(domid)!, true);
  }

  /** Gone for good, unless another domain here carries the same uuid (a migration to localhost). */
  released(uuid: string): void {
    if (!this.index.withUuid(uuid)) this.onGone(uuid);
  }

  /**
   * Holds the domain for a save or migration (`activity`: "saved", "migrated to
   * HOST"): every other change is refused meanwhile, its name stays taken under
   * whatever name it carries, and a destroy first calls `onDestroy` (which stops
   * the operation, or refuses by throwing). Returns the release.
   */
  busy(d: HvDomain, activity: string, onDestroy: () => void): () => void {
    return this.index.hold(d, activity, onDestroy);
  }

  /**
   * Refuses a change to a held domain: a reset would rebuild it here while the
   * destination runs it, an unpause would run it after its last state was sent.
   */
  requireIdle(d: HvDomain): HvDomain {
    const h = this.index.holdOf(d.uuid);
    // Not the copy of it arriving here, in a migration to this very host.
    if (h?.domid === d.domid) throw new XendError(`Domain ${h.name} is being ${h.activity}; it cannot be changed until that ends`);
    return d;
  }

  /** `name` is free for the domain `uuid` to take (DomainIndex.requireUniqueName). */
  requireFreeName(name: string, uuid: string): void {
    this.index.requireUniqueName(name, uuid, 'rename');
  }

  destroy(dom: string | number): void {
    const r = this.resolve(dom);
    // A managed domain that is not running has nothing to destroy: it stays defined.
    if (!r.live) return;
    const d = r.live;
    if (d.domid === 0) throw new XendError('Cannot destroy privileged domain 0');
    this.index.holdOf(d.uuid)?.onDestroy();
    this.hv.destroy(d.domid);
    this.onGone(d.uuid);
    this.log.info(`Domain ${d.name} (${d.domid}) destroyed`);
  }

  pause(dom: string | number): void | Promise<void> {
    const d = this.requireIdle(this.lookup(dom));
    if (d.domid === 0) throw new XendError('Cannot pause privileged domain 0');
    this.requireLive(d);
    return this.hv.pause(d.domid);
  }

  unpause(dom: string | number): void | Promise<void> {
    const d = this.requireIdle(this.lookup(dom));
    if (d.domid === 0) throw new XendError('Cannot unpause privileged domain 0');
    this.requireLive(d);
    return this.hv.unpause(d.domid);
  }

  /** XendDomain.domain_setpauseflag: an unknown domain is let be, as xend did. */
  setPauseFlag(dom: string | number, flag: boolean): void {
    const key = this.pauseKey(dom);
    if (key === null) return;
    // The flags of domains gone since go with them.
    for (const k of this.pausedByAdmin) {
      const [uuid, domid] = k.split('/') as [string, string];
      if (String(this.index.withUuid(uuid)?.domid) !== domid) this.pausedByAdmin.delete(k);
    }
    if (flag) this.pausedByAdmin.add(key);
    else this.pausedByAdmin.delete(key);
  }

  /** XendDomain.domain_getpauseflag: None for an unknown domain. */
  getPauseFlag(dom: string | number): boolean | null {
    const key = this.pauseKey(dom);
    return key === null ? null : this.pausedByAdmin.has(key);
  }

  private pauseKey(dom: string | number): string | null {
    try {
      const r = this.resolve(dom);
      return r.live ? `${r.live.uuid}/${r.live.domid}` : `${r.managed!.config.uuid}/`;
    } catch {
      return null;
    }
  }

  shutdown(dom: string | number, reason: string): void | Promise<void> {
    const d = this.requireIdle(this.lookup(dom));
    if (d.domid === 0) throw new XendError('Domain 0 cannot be shutdown');
    if (!(SHUTDOWN_REASONS as readonly string[]).includes(reason)) throw new XendError(`Invalid reason: ${reason}`);
    if (d.flags.shutdown || d.flags.crashed) throw new XendError('Domain cannot be shutdown');
    this.log.info(`Domain ${d.name} (${d.domid}): shutdown requested, reason ${reason}`);
    return this.hv.shutdown(d.domid, reason as ShutdownReason);
  }

  setMemoryTarget(dom: string | number, mib: number): void | Promise<void> {
    const r = this.resolve(dom);
    if (!Number.isInteger(mib) || mib <= 0) throw new XendError(`Invalid memory target: ${mib}`);
    if (!r.live) {
      // A managed domain that is not running: its config changes, for its next start.
      const max = r.managed!.config.maxmem;
      if (mib > max) throw memoryAboveMax(`${mib} MiB is above the domain's maximum of ${max} MiB (xm mem-max raises it)`);
      this.updateConfig(r, (c) => ({ ...c, memory: mib }));
      return;
    }
    const d = this.requireIdle(r.live);
    if (d.domid !== 0 && mib > d.maxmemMiB) throw memoryAboveMax(`${mib} MiB is above the domain's maximum of ${d.maxmemMiB} MiB (xm mem-max raises it)`);
    if (d.domid === 0 && mib < this.balloon.dom0MinMiB) {
      throw new XendError(`Dom0 memory target ${mib} MiB is below dom0-min-mem ${this.balloon.dom0MinMiB} MiB`);
    }
    if (mib > d.memoryMiB) freeMemory(this.hv, mib - d.memoryMiB, this.balloon);
    const done = this.hv.setMemory(d.domid, mib);
    this.updateConfig(r, (c) => ({ ...c, memory: mib }));
    return done;
  }

  setVcpuCount(dom: string | number, count: number): void | Promise<void> {
    const r = this.resolve(dom);
    if (!Number.isInteger(count) || count <= 0) throw new XendError('Zero or less VCPUs is invalid');
    checkVcpus(count);
    if (!r.live) {
      // Not running: the count it will boot with next time.
      this.updateConfig(r, (c) => ({ ...c, vcpus: count, onlineVcpus: count, cpus: resized(c.cpus, count) }));
      return;
    }
    const d = this.requireIdle(r.live);
    if (count > d.vcpus) throw new XendError('Cannot set vcpus greater than max vcpus on running domain');
    const done = this.hv.setVcpus(d.domid, count);
    // xend's vcpu_avail: a restart brings the same VCPUs online.
    const remember = () => this.updateConfig(r, (c) => ({ ...c, onlineVcpus: Math.min(count, c.vcpus) }));
    return done instanceof Promise ? done.then(remember) : remember();
  }

  setName(dom: string | number, name: string): void {
    const r = this.resolve(dom);
    if (r.live) this.requireIdle(r.live);
    if (!DOMAIN_NAME_RE.test(name)) throw new XendError(INVALID_NAME);
    this.requireFreeName(name, r.live?.uuid ?? r.managed!.config.uuid);
    // The config follows in the same write, so that a reboot (or the next start) keeps the new name.
    this.updateConfig(r, (c) => ({ ...c, name }), { name });
  }

  /** xend.domain.maxmem_set (setMemoryMaximum): never below the current target. */
  maxmemSet(dom: string | number, mib: number): void {
    const r = this.resolve(dom);
    if (!Number.isInteger(mib)) throw new XendError(`Invalid memory maximum: ${mib}`);
    const current = r.live?.memoryMiB ?? r.managed!.config.memory;
    if (mib < current || mib <= 0) throw memoryAboveMax(`${mib} MiB is below the domain's current memory of ${current} MiB (xm mem-set lowers it)`);
    // Before the backend sizes anything by it.
    checkHostMemory('maxmem', mib, this.hv.hostInfo().total_memory);
    if (r.live) {
      this.requireIdle(r.live);
      try {
        this.backend('setMaxMemory', 'set a maximum memory')(r.live.domid, mib);
      } catch (err) {
        throw new XendError((err as Error).message);
      }
    }
    this.log.debug(`Setting memory maximum of domain ${r.live?.name ?? r.managed!.config.name} (${r.live?.domid ?? 'None'}) to ${mib} MiB.`);
    this.updateConfig(r, (c) => ({ ...c, maxmem: mib }));
  }

  /** xend.domain.pincpu: `vcpu` a number or `all`, `cpumap` like "0,2,3"; returns xc's rc (0). */
  async pinVcpu(dom: string | number, vcpu: string | number, cpumap: string): Promise<number> {
    this.requireStarted(dom);
    const d = this.requireIdle(this.lookup(dom));
    const vcpus = String(vcpu).toLowerCase() === 'all' ? Array.from({ length: d.vcpus }, (_, i) => i) : [pyInt(vcpu)];
    const cpus = String(cpumap).split(',').map(pyInt);
    const shown = `[${cpus.join(', ')}]`;
    const live = hasVcpus(powerState(d));
    for (const v of vcpus) {
      if (v < 0 || v >= d.vcpus) throw new XendError(`Cannot pin vcpu: ${v} to cpu: ${shown} - list assignment index out of range`);
      try {
        if (live) await this.backend('setVcpuAffinity', 'pin VCPUs')(d.domid, v, cpus);
      } catch (err) {
        throw new XendError(`Cannot pin vcpu: ${v} to cpu: ${shown} - ${(err as Error).message}`);
      }
    }
    return 0;
  }

  /** xend.domain.sched_credit_get: `{weight, cap}` from the scheduler, or the config of a domain not running. */
  schedCreditGet(dom: string | number): { weight: number; cap: number } {
    const r = this.resolve(dom);
    const c = r.live ? r.live.config : r.managed!.config;
    return { weight: r.live?.cpuWeight ?? c?.cpuWeight ?? 256, cap: r.live?.cpuCap ?? c?.cpuCap ?? 0 };
  }

  /** xend.domain.sched_credit_set: weight 1–65535, cap 0–100 × VCPUs; either may be left as it is (None). */
  schedCreditSet(dom: string | number, weight: number | null, cap: number | null): number | Promise<number> {
    const r = this.resolve(dom);
    const vcpus = r.live?.vcpus ?? r.managed!.config.vcpus;
    if (weight !== null && (weight < 1 || weight > 65535)) {
      throw new XendError('Cpu weight out of range, valid values are within range from 1 to 65535');
    }
    if (cap !== null && (cap < 0 || cap > vcpus * 100)) {
      throw new XendError(`Cpu cap out of range, valid range is from 0 to ${vcpus * 100} for specified number of vcpus`);
    }
    const now = this.schedCreditGet(dom);
    const next = { weight: weight ?? now.weight, cap: cap ?? now.cap };
    if (r.live) this.requireIdle(r.live);
    let done: void | Promise<void> = undefined;
    if (r.live && isStarted(powerState(r.live))) {
      try {
        done = this.backend('setSchedCredit', 'set scheduler parameters')(r.live.domid, next.weight, next.cap);
      } catch (err) {
        throw new XendError((err as Error).message);
      }
    }
    this.updateConfig(r, (c) => ({ ...c, cpuWeight: next.weight, cpuCap: next.cap }));
    return done instanceof Promise ? done.then(() => 0, (err: Error) => Promise.reject(new XendError(err.message))) : 0;
  }

  /** xend.domain.send_sysrq: one key, for the guest kernel (control/sysrq). */
  sendSysrq(dom: string | number, key: string | number): void {
    this.requireStarted(dom);
    const d = this.requireIdle(this.lookup(dom));
    if (!isStarted(powerState(d))) throw new XendError(`Domain '${d.name}' is not started`);
    const k = typeof key === 'number' ? String.fromCharCode(key) : String(key);
    // asserts.isCharConvertible: an AssertionError, so an internal fault, as xend gave it.
    if ([...k].length !== 1) throw new Error(`${k} is not convertible to a character`);
    this.log.info(`Domain ${d.name} (${d.domid}): sysrq ${k}`);
    this.backend('sendSysrq', 'send a sysrq')(d.domid, k);
  }

  /** xend.domain.send_trigger: nmi, reset, init, power or s3resume, to one VCPU. */
  sendTrigger(dom: string | number, name: string, vcpu: number): void {
    this.requireStarted(dom);
    const d = this.requireIdle(this.lookup(dom));
    if (!isStarted(powerState(d))) throw new XendError(`Domain '${String(dom)}' is not started`);
    const trigger = String(name).toLowerCase();
    if (!(TRIGGERS as readonly string[]).includes(trigger)) throw new XendError(`Invalid trigger: ${name}`);
    if (trigger === 's3resume') return;
    // Triggers are for HVM guests: Xen refuses them for the PV Domain-0.
    if (d.domid === 0) throw new XendError("(22, 'Invalid argument')");
    this.log.info(`Domain ${d.name} (${d.domid}): trigger ${trigger} on vcpu ${vcpu}`);
    try {
      this.backend('sendTrigger', 'send a trigger')(d.domid, trigger as Trigger, vcpu);
    } catch (err) {
      throw new XendError((err as Error).message);
    }
  }

  /** xend.domain.reset: a hard reset, as a new domain built from the same config. */
  async reset(dom: string | number): Promise<void> {
    this.requireStarted(dom);
    const d = this.requireIdle(this.lookup(dom));
    if (d.domid === 0) throw new XendError(`Cannot reset privileged domain ${String(dom)}`);
    if (!isStarted(powerState(d))) throw new XendError(`Domain '${String(dom)}' is not started`);
    this.log.info(`Domain ${d.name} (${d.domid}): reset`);
    await this.restart(d, configOf(d), false);
  }

  /**
   * xend.domain.dump: the core to `filename` (or the dump directory), the domain
   * paused meanwhile unless `live`; then destroyed (`crash`) or reset. Returns the file.
   */
  async dump(dom: string | number, filename: string | null, live: boolean, crash: boolean, reset: boolean): Promise<string> {
    this.requireStarted(dom);
    const d = this.lookup(dom);
    // Only a live dump that leaves the domain be may look at a held one.
    if (!live || crash || reset) this.requireIdle(d);
    if (d.domid === 0) throw new XendError(`Cannot dump core for privileged domain ${String(dom)}`);
    if (!hasVcpus(powerState(d))) throw new XendError(`Domain '${String(dom)}' is not started`);
    const dopause = !live && powerState(d) === PowerState.Running;
    if (dopause) await this.hv.pause(d.domid);
    try {
      this.log.info(`Domain core dump requested for domain ${d.name} (${d.domid}) live=${+live} crash=${+crash} reset=${+reset}.`);
      const path = await this.writeCore(d, filename);
      if (crash) this.destroy(d.domid);
      else if (reset) await this.reset(d.domid);
      return path;
    } finally {
      if (dopause && !crash && !reset && this.hv.get(d.domid)?.uuid === d.uuid) this.hv.unpause(d.domid);
    }
  }

  /** XendDomainInfo.dumpCore: the one writer of `dump-core` and of enable-dump. */
  private async writeCore(d: HvDomain, filename: string | null): Promise<string> {
    let path = filename;
    if (!path) {
      const dir = this.opts.dumpDir ?? '/var/xen/dump';
      makeDirs(dir, 0o700);
      path = join(dir, `${dumpTime(new Date())}-${d.name}.${d.domid}.core`);
    }
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      // not there yet: the usual case
    }
    if (isDir) throw new XendError(`Cannot dump core in a directory: ${path}`);
    try {
      await this.backend('dumpCore', 'dump a core')(d.domid, path);
    } catch (err) {
      try {
        renameSync(path, `${path}-incomplete`);
      } catch {
        // nothing was written
      }
      const message = (err as NodeJS.ErrnoException).code ? errnoText(err as NodeJS.ErrnoException) : (err as Error).message;
      this.log.error(`core dump failed: id = ${d.domid} name = ${d.name}: ${message}`);
      throw new XendError(`Failed to dump core: ${message}`);
    }
    this.log.info(`Domain ${d.name} (${d.domid}): core dumped to ${path}`);
    return path;
  }

  /** Console input for whichever domain now carries this uuid (its domid changes on reboot). */
  consoleInput(uuid: string, data: Buffer): void {
    const d = this.index.withUuid(uuid);
    if (d) this.hv.consoleInput(d.domid, data);
  }

  /** A managed domain that is not running has not restarted (xm shutdown asks before it shuts down). */
  restartCount(dom: string | number): string {
    return String(this.resolve(dom).live?.restartCount ?? 0);
  }

  vcpuInfo(dom: string | number): Sxp {
    const r = this.resolve(dom);
    if (!r.live) return haltedVcpuInfo(r.managed!.config);
    const d = r.live;
    return [
      'domain',
      ['domid', d.domid],
      ['name', d.name],
      ['vcpu_count', d.onlineVcpus],
      ...this.hv.vcpuInfo(d.domid).map((v): Sxp => [
        'vcpu',
        ['number', v.number],
        ['online', v.online ? 1 : 0],
        ['blocked', v.blocked ? 1 : 0],
        ['running', v.running ? 1 : 0],
        ['cpu_time', pyFloat(v.cpuTime)],
        ['cpu', v.cpu],
        ['cpumap', v.cpumap],
      ]),
    ];
  }

  /**
   * What the guest did once it finished shutting down: xend's on_poweroff/on_reboot/on_crash.
   * A crash is first dumped (enable-dump, or a coredump-* action), unless xend is
   * only catching up on a crash it saw before it stopped. Resolves once acted on;
   * never rejects (a failure is logged).
   */
  onShutdown(domid: number, reason: ShutdownReason, recovering = false): Promise<void> {
    return this.actOnShutdown(domid, reason, recovering).catch((err: Error) => this.log.error(`Domain ${domid}: its shutdown (${reason}) was not acted on: ${err.message}`));
  }

  private async actOnShutdown(domid: number, reason: ShutdownReason, recovering: boolean): Promise<void> {
    const d = this.hv.get(domid);
    if (!d) return;
    const config = configOf(d);
    if (reason === 'crash' && !recovering && (this.opts.enableDump || config.onCrash.startsWith('coredump'))) {
      this.log.warning(`Domain has crashed: name=${d.name} id=${domid}.`);
      await this.writeCore(d, null).catch(() => {});
      if (this.hv.get(domid)?.uuid !== d.uuid) return;
    }
    await this.afterShutdown(domid, reason);
  }

  private async afterShutdown(domid: number, reason: ShutdownReason): Promise<void> {
    const d = this.hv.get(domid);
    if (!d) return;
    const config = configOf(d);
    const action =
      reason === 'reboot' ? config.onReboot : reason === 'crash' ? config.onCrash : reason === 'suspend' ? 'preserve' : config.onPoweroff;
    this.log.info(`Domain has shutdown: name=${d.name} id=${domid} reason=${reason}.`);
    if (action === 'preserve') return;
    if (action.endsWith('destroy')) {
      this.hv.destroy(domid);
      this.onGone(d.uuid);
      return;
    }
    if (this.restartingTooFast(d.uuid)) {
      this.log.error(`VM ${d.name} restarting too fast (${MAX_RESTARTS_IN_WINDOW} restarts in ${RESTART_WINDOW_S} seconds). Refusing to restart to avoid loops.`);
      this.hv.destroy(domid);
      this.onGone(d.uuid);
      return;
    }
    await this.restart(d, config, action === 'rename-restart');
  }

  private restart(old: HvDomain, config: VmConfig, preserveOld: boolean): Promise<void> {
    const next = preserveOld ? { ...config, uuid: randomUUID() } : config;
    const r: PendingRestart = {
      old: { domid: old.domid, uuid: old.uuid, name: old.name },
      preserveOld,
      uuid: next.uuid,
      config: next,
      restartCount: old.restartCount + 1,
    };
    this.opts.journal?.begin(r);
    return this.finishRestart(r);
  }

  /**
   * Each step looks whether it was done already, so a restart that a crash of
   * xend interrupted anywhere is finished the same way on recovery.
   */
  private async finishRestart(r: PendingRestart): Promise<void> {
    const old = this.hv.get(r.old.domid);
    if (old?.uuid === r.old.uuid && !old.shutdownHandled) {
      if (!r.preserveOld) {
        this.hv.destroy(old.domid);
      } else {
        // One write: renamed aside and marked handled together.
        this.hv.updateRecord(old.domid, { name: this.freeName(`${r.old.name}-`), shutdownHandled: true });
      }
    }
    try {
      const built = this.hv.list().find((d) => d.uuid === r.uuid && d.domid !== r.old.domid);
      const d = built ?? (await this.build(r.config, r.restartCount));
      if (d.flags.paused) this.hv.unpause(d.domid);
      this.log.info(`Domain ${r.old.name} restarted as id ${d.domid}`);
    } catch (err) {
      this.log.error(`Failed to restart domain ${r.old.name}: ${(err as Error).message}`);
    }
    this.opts.journal?.end(r.uuid);
  }

  /** A config as it enters: within the host, naming only what this client may. */
  private admit(config: VmConfig, confined: boolean): void {
    this.fitsHost(config);
    if (this.opts.rules) (confined ? confineConfig : checkScripts)(config, this.opts.rules);
  }

  private fitsHost(config: VmConfig): void {
    checkHostMemory('maxmem', config.maxmem, this.hv.hostInfo().total_memory);
  }

  private async build(config: VmConfig, restartCount: number, incomplete = false): Promise<HvDomain> {
    this.fitsHost(config);
    // As xend: a managed domain may be defined with any image, and fails when started.
    checkImageType(config.image, this.hv.imageTypes);
    this.opts.checkDevices?.(config);
    const pool = this.opts.pools?.placement(config.poolName) ?? 0;
    // Taken from here until the backend answers (the index then has the domain).
    const release = this.index.reserve(config.name, config.uuid);
    let d: HvDomain;
    try {
      d = await this.hv.create({
        incomplete,
        name: config.name,
        uuid: config.uuid,
        memoryMiB: config.memory,
        maxmemMiB: config.maxmem,
        vcpus: config.vcpus,
        config,
        restartCount,
      });
    } catch (err) {
      throw new XendError(`Failed to create domain ${config.name}: ${(err as Error).message}`);
    } finally {
      release();
    }
    if (pool !== 0) await this.moveToPool(d, pool);
    // A restored or received domain gets its VCPUs' state from its image.
    if (!incomplete) await this.applyVcpuSettings(d, config);
    return d;
  }

  /**
   * What XendDomainInfo did to a new domain before it ran: the credit scheduler's
   * weight and cap, each VCPU's pinning (_setCPUAffinity), the VCPUs online
   * (vcpu_avail). A setting the host refuses undoes the domain.
   */
  private async applyVcpuSettings(d: HvDomain, config: VmConfig): Promise<void> {
    try {
      // A backend that answers later: its failure is logged, the domain stays as built.
      const later = (what: string, done: void | Promise<void>) => {
        if (done instanceof Promise) done.catch((err: Error) => this.log.error(`Could not ${what} of ${config.name}: ${err.message}`));
      };
      if (this.hv.setSchedCredit && (config.cpuWeight !== 256 || config.cpuCap !== 0)) {
        later('set the scheduler parameters', this.hv.setSchedCredit(d.domid, config.cpuWeight, config.cpuCap));
      }
      for (const [vcpu, cpus] of config.cpus.entries()) if (cpus.length) await this.backend('setVcpuAffinity', 'pin VCPUs')(d.domid, vcpu, cpus);
      if (config.onlineVcpus < config.vcpus) later(`bring ${config.onlineVcpus} VCPUs online`, this.hv.setVcpus(d.domid, config.onlineVcpus));
    } catch (err) {
      this.hv.destroy(d.domid);
      throw new XendError(`Failed to create domain ${config.name}: ${(err as Error).message}`);
    }
  }

  /** xc.cpupool_movedomain right after the domain was built; a domain that cannot move is undone. */
  private async moveToPool(d: HvDomain, pool: number): Promise<void> {
    try {
      await this.backend('moveToCpuPool', 'move domains between CPU pools')(d.domid, pool);
    } catch (err) {
      this.log.error(`Moving domain ${d.domid} to pool ${pool}: ${(err as Error).message}`);
      this.hv.destroy(d.domid);
      throw new XendError('Moving domain to target pool failed');
    }
  }

  /**
   * A change of a domain's config that its running copy already has (a new pool,
   * a scheduler weight): kept for its next start, and saved when it is managed.
   */
  keepConfig(dom: string | number, change: (c: VmConfig) => VmConfig): void {
    this.updateConfig(this.resolve(dom), change);
  }

  /** An optional backend call, or xend's refusal when this backend cannot do it. */
  private backend<K extends OptionalCall>(call: K, what: string): NonNullable<Hypervisor[K]> {
    return backendCall(this.hv, call, what);
  }

  /**
   * Applies a config change (with any other `record` changes, in the same write)
   * to a domain's running record and, when it is managed, to its stored config.
   */
  updateConfig(r: Resolved, change: (c: VmConfig) => VmConfig, record: RecordChanges = {}): void {
    if (r.live) {
      const changes = { ...record };
      if (r.live.domid !== 0 && r.live.config) changes.config = change(r.live.config);
      try {
        if (Object.keys(changes).length) this.hv.updateRecord(r.live.domid, changes);
      } catch (err) {
        // The record could not be written (a full disk): nothing changed.
        throw (err as NodeJS.ErrnoException).code ? new XendError(errnoText(err as NodeJS.ErrnoException)) : err;
      }
    }
    const m = r.managed && this.opts.managed?.get(r.managed.config.uuid);
    if (m) this.opts.managed!.save(change(m.config));
  }

  private requireLive(d: HvDomain): void {
    if (d.flags.shutdown || d.flags.crashed) throw new XendError('Domain is not running');
  }

  private freeName(prefix: string): string {
    let n = 1;
    while (this.index.named(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  }

  private restartingTooFast(uuid: string): boolean {
    const now = Date.now() / 1000;
    const recent = (this.recentRestarts.get(uuid) ?? []).filter((t) => now - t < RESTART_WINDOW_S);
    recent.push(now);
    this.recentRestarts.set(uuid, recent);
    return recent.length > MAX_RESTARTS_IN_WINDOW;
  }
}

/** xend's config of a domain it built: every domain but Domain-0 has one. */
function configOf(d: HvDomain): VmConfig {
  if (!d.config) throw new XendError(`Domain ${d.name} (${d.domid}) has no config`);
  return d.config;
}

/**
 * XendDomainInfo.getVCPUInfo of a domain with no domid: each VCPU offline on
 * no CPU, its affinity the configured one or xend's range(64).
 */
function haltedVcpuInfo(c: VmConfig): Sxp {
  const any = Array.from({ length: 64 }, (_, i) => i);
  return [
    'domain',
    ['domid', null],
    ['name', c.name],
    ['vcpu_count', c.vcpus],
    ...c.cpus.map((cpus, i): Sxp => [
      'vcpu',
      ['number', i],
      ['online', 0],
      ['blocked', 0],
      ['running', 0],
      ['cpu_time', pyFloat(0)],
      ['cpu', -1],
      ['cpumap', cpus.length ? [...cpus] : any],
    ]),
  ];
}

/** A halted domain's pinnings for a new VCPU count: cut, or extended with unpinned VCPUs (XendDomainInfo.setVCpuCount). */
function resized(cpus: readonly number[][], count: number): number[][] {
  return Array.from({ length: count }, (_, i) => [...(cpus[i] ?? [])]);
}

/** A managed domain that is not running, in a listing: its record made only if the listing shows records. */
interface InactiveRow {
  name: string;
  inactive: () => Sxp;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * `all`, a power-state name (any case) or its number, as domains_with_state accepts;
 * like XendDomain.list, a name that is no power state (`blocked`) matches nothing.
 */
function stateFilter(state: string | number): (status: number) => boolean {
  const s = String(state).toLowerCase();
  if (s === 'all') return () => true;
  if (/^\d+$/.test(s)) return (status) => status === Number(s);
  return (status) => POWER_STATES[status] === s;
}

type OptionalCall = 'setMaxMemory' | 'setVcpuAffinity' | 'setSchedCredit' | 'sendSysrq' | 'sendTrigger' | 'dumpCore' | 'moveToCpuPool';

/** Python's int() of an argument, or its ValueError as xend reported it (an internal fault). */
function pyInt(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const text = String(v);
  if (!isPyInt(text)) throw new Error(notAnInt(text));
  return Number(text);
}

/** time.strftime("%Y-%m%d-%H%M.%S"), the stamp of xend's core file names. */
function dumpTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}.${p(d.getSeconds())}`;
}

/** An OSError's text as Python printed it: `[Errno 2] No such file or directory: '/x'`. */
function errnoText(err: NodeJS.ErrnoException): string {
  const words: Record<string, [number, string]> = {
    ENOENT: [2, 'No such file or directory'],
    EACCES: [13, 'Permission denied'],
    EISDIR: [21, 'Is a directory'],
    ENOSPC: [28, 'No space left on device'],
    EROFS: [30, 'Read-only file system'],
    ENOTDIR: [20, 'Not a directory'],
  };
  const known = err.code ? words[err.code] : undefined;
  return known ? `[Errno ${known[0]}] ${known[1]}: '${err.path ?? ''}'` : err.message;
}
