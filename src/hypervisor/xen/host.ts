import type { ChildProcess } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../../make-dirs.js';
import { DurableDir } from '../../store/durable.js';
import { XendError, XendInvalidDomain } from '../../protocol/faults.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import { deliverCore } from '../core-file.js';
import {
  applyRecordChanges,
  type DomainSpec,
  type HostInfo,
  type HostLog,
  type HvCpuPool,
  type HvDevice,
  type HvDomain,
  type Hypervisor,
  type HypervisorEvents,
  type PoolLabel,
  type Scheduler,
  type ImageStats,
  type LiveSendOptions,
  type LiveTarget,
  type RecordChanges,
  type SaveImageOptions,
  type ShutdownReason,
  type StoredDomain,
  finishIncomingInParts,
  revivedRecord,
  storedDomain,
  type Trigger,
  type VcpuInfo,
  viewOf,
} from '../types.js';
import { findXl, XenRunner } from './runner.js';
import { cpuList, dmesgText, parseSchedTable, parseUptime, parseVcpuList, parseXlList, parseXlListLong, shutdownReasonOf, type XlDomainConfig, type XlListEntry, type XlVcpu } from './parse.js';
import { hostInfoOf } from './host-info.js';
import { hostDomain, servableName } from './foreign.js';
import type { VmConfig } from '../../vm/config.js';
import { xlConfig, type XlConfigInput } from './xlcfg.js';
import { XenConsole, type ConsoleLog } from './console.js';
import { attachArgs, detachArgs, mediaArgs } from './devices.js';
import { XenPools } from './pools.js';
import { restoreWithXl, saveWithXl } from './image.js';
import { receiveWithXl, relayCommand, sendWithXl } from './migrate.js';
import { readPlugged, unplugged } from './plugged.js';

export interface XenHostOptions {
  stateDir: string;
  /** `(xen-xl-binary …)`: '' finds xl on PATH or in /usr/lib/xen-*\/bin. */
  xlBinary: string;
  /** `(xen-console-log-dir …)`: xenconsoled's guest logs, a domain's history when xend adopts it ('' = none). */
  consoleLogDir?: string;
  /** The command xl's live migration runs to reach the destination (node, xend's script, `__xl-relay`); none: no live migration. */
  relay?: string[];
  events: HypervisorEvents;
  log: HostLog;
}

/** What xend keeps of a domain it built, by domid (two domains share a uuid while one migrates to this host). */
interface XenDomain extends StoredDomain {
  config: VmConfig;
  lastChecksum?: string;
}

/** A safety net under xenstore's watches: how often `xl list` is read regardless. */
const POLL_MS = 5000;
/** A domain's vcpu-list is read again when older than this. */
const VCPU_STALE_MS = 1000;
/** Placeholders for domains being restored count down from Xen's last domid (DOMID_FIRST_RESERVED - 1). */
const PLACEHOLDER_TOP = 0x7fef;
const CORE_TIMEOUT_MS = 10 * 60_000;

/**
 * A real Xen host, driven through libxl's `xl` and xenstore's clients. Xen keeps
 * the domains: xend keeps its record of each beside them (by domid, durable, as
 * the other backends do), adopts them again when it restarts, and shows every
 * other domain the host has (Domain-0, those made with `xl`) from what xl says.
 * list() and get() answer from a view kept current by xenstore watches on
 * @introduceDomain and @releaseDomain (fired on every shutdown and death) and
 * refreshed after every action; actions run xl in the background, one at a time
 * per domain, their failures logged (and rejected to callers that wait).
 */
export class XenHost implements Hypervisor {
  readonly name = 'xen';
  /** xl save stops the guest; a live migration is xl's own (sendLive). */
  readonly migratesLive = false;
  /** xl builds PVH guests too (`type = "pvh"`): the ones Xen can migrate live where it has no shadow paging. */
  readonly imageTypes = ['pvh'];
  private readonly runner: XenRunner;
  private readonly pools: XenPools;
  private readonly store: DurableDir<XenDomain>;
  private readonly runDir: string;
  private readonly records = new Map<number, XenDomain>();
  private listing = new Map<number, XlListEntry>();
  private readonly long = new Map<number, XlDomainConfig>();
  private readonly starts = new Map<number, number>();
  /** Domains being restored: not in Xen yet, answered from the spec. */
  private readonly placeholders = new Map<number, XenDomain>();
  /** A restored placeholder's domid → the domid Xen gave it. */
  private readonly aliases = new Map<number, number>();
  /** uuids of domains xl is restoring: not foreign, though not recorded yet. */
  private readonly arriving = new Set<string>();
  private readonly destroying = new Set<number>();
  private readonly saving = new Set<number>();
  private readonly hidden = new Set<string>();
  private readonly consoles = new Map<number, XenConsole>();
  /** Each domain's xl runs of xend's, one after another: the last one, while any waits or runs. */
  private readonly chains = new Map<number, Promise<unknown>>();
  /** When xend last changed each domain: an `xl list` begun before that does not overrule what xend knows. */
  private readonly touched = new Map<number, number>();
  /** Domains xend built that a listing missed, while `xl list DOMID` is asked of them. */
  private readonly confirming = new Set<number>();
  /** Orders xend's changes and the listings begun around them (a millisecond clock cannot: both happen in one). */
  private moments = 0;
  /** The moment the listing applied last was begun. */
  private appliedAt = 0;
  private vcpus: { at: number; rows: XlVcpu[] } = { at: 0, rows: [] };
  private sched = new Map<number, { weight: number; cap: number }>();
  private info: HostInfo;
  private readonly bootTime: number;
  private readonly watchers: ChildProcess[] = [];
  private readonly poll: NodeJS.Timeout;
  private refreshing: Promise<void> | null = null;
  /** When xend last changed each domain's devices (Infinity while xl changes them): a reading of xenstore begun before does not count. */
  private readonly deviceActs = new Map<number, number>();
  private readingDevices = false;
  private refreshAgain = false;
  private closed = false;

  private readonly xl: string;

  constructor(private readonly opts: XenHostOptions) {
    this.xl = findXl(opts.xlBinary);
    this.runner = new XenRunner(this.xl);
    const dir = join(opts.stateDir, 'xen');
    this.store = new DurableDir(join(dir, 'domains'), 'xend');
    this.runDir = join(dir, 'run');
    makeDirs(this.runDir, 0o700);
    chmodSync(this.runDir, 0o700);
    let infoText: string;
    try {
      infoText = this.runner.runSync('xl', ['info']).stdout;
    } catch (err) {
      throw new Error(`xend-hypervisor xen: cannot run ${this.xl} info: ${(err as Error).message}`);
    }
    const dom0Uptime = parseUptime(this.runner.runSync('xl', ['uptime']).stdout).get(0) ?? 0;
    this.bootTime = Date.now() / 1000 - dom0Uptime;
    this.info = hostInfoOf(infoText, dom0Uptime, this.xl);
    this.sched = this.readSched();
    this.pools = new XenPools(this.runner, join(dir, 'pools'), () => ({ nrCpus: this.info.nr_cpus, scheduler: this.info.xen_scheduler }));
    try {
      this.pools.loadSync();
    } catch (err) {
      opts.log.warning(`xen backend: cannot read the CPU pools: ${(err as Error).message}`);
    }
    const listedAt = ++this.moments;
    const entries = parseXlList(this.runner.runSync('xl', ['list', '-v']).stdout);
    for (const d of this.store.readAll((m) => opts.log.error(`xen backend: domain ${m}`), revivedRecord)) {
      const e = entries.find((x) => x.domid === d.domid);
      if (e?.uuid !== d.uuid) {
        opts.log.info(`xen backend: domain ${d.domid} (${d.name}) is no longer on this host`);
        this.store.remove(String(d.domid));
        continue;
      }
      this.records.set(d.domid, d);
      this.attachConsole(d.domid, { dir: opts.consoleLogDir ?? '', name: d.name });
    }
    // Shutdowns that happened while xend was down are found by xend's recovery, from the flags.
    this.reconcile(entries, false, listedAt);
    opts.log.info(`xen backend: ${this.xl}, Xen ${this.info.xen_major}.${this.info.xen_minor}${this.info.xen_extra}, scheduler ${this.info.xen_scheduler}`);
    for (const path of ['@introduceDomain', '@releaseDomain']) this.watch(path);
    this.poll = setInterval(() => {
      this.refresh();
      void this.readDevices();
    }, POLL_MS);
    this.poll.unref();
  }

  hostInfo(): HostInfo {
    return { ...this.info, uptime: Date.now() / 1000 - this.bootTime };
  }

  list(): HvDomain[] {
    const out: HvDomain[] = [];
    for (const e of [...this.listing.values()].sort((a, b) => a.domid - b.domid)) {
      const d = this.viewAt(e.domid);
      if (d) out.push(d);
    }
    for (const p of this.placeholders.values()) out.push(this.view(p));
    return out;
  }

  get(domid: number): HvDomain | undefined {
    const id = this.aliases.get(domid) ?? domid;
    const p = this.placeholders.get(id);
    return p ? this.view(p) : this.viewAt(id);
  }

  /**
   * Builds the domain with `xl create -p -e` (paused; xl leaves its shutdown to
   * xend), in the background: xl takes seconds, more under emulation. A domain
   * being destroyed goes first (a reboot builds the same name and uuid again);
   * until xl list shows the new one, xend holds its name (DomainService).
   */
  async create(spec: DomainSpec): Promise<HvDomain> {
    if (spec.incomplete) return this.placeholder(spec);
    await Promise.all([...this.destroying].map((id) => this.settled(id)));
    const cfg = this.writeConfig(spec);
    // Seen by a refresh before it is recorded: not a domain made behind xend's back.
    this.arriving.add(spec.uuid);
    try {
      try {
        await this.runner.run('xl', ['create', '-p', '-e', cfg]);
      } finally {
        rmSync(cfg, { force: true });
      }
      const e = await this.listed(spec).catch((err: Error) => this.undoCreate(spec, err));
      const d: XenDomain = storedDomain(e.domid, spec);
      this.save(d);
      this.attachConsole(d.domid);
      // Which pool xl.cfg's pool= put it in, before xend asks to move it there.
      if (this.pools.partitioned()) await this.pools.refresh().catch((err: Error) => this.opts.log.warning(`xen backend: cannot read the CPU pools: ${err.message}`));
      this.refreshHost();
      return this.view(d);
    } finally {
      this.arriving.delete(spec.uuid);
    }
  }

  destroy(domid: number): void {
    const id = this.aliases.get(domid) ?? domid;
    this.aliases.delete(domid);
    if (this.placeholders.delete(id)) return;
    if (!this.listing.has(id)) throw new XendError(`(3, 'No such process')`);
    this.destroying.add(id);
    this.forget(id);
    // Its failure is logged by act; nobody waits for it.
    void this.act(id, ['destroy', String(id)], () => this.refreshHost());
  }

  pause(domid: number): Promise<void> {
    const e = this.entry(domid);
    if (e.flags.paused || this.saving.has(domid)) return Promise.resolve();
    e.flags.paused = true;
    return this.act(domid, ['pause', String(domid)]);
  }

  unpause(domid: number): Promise<void> {
    const e = this.entry(domid);
    if (!e.flags.paused) return Promise.resolve();
    e.flags.paused = false;
    return this.act(domid, ['unpause', String(domid)]);
  }

  /** The guest is asked; its shutdown is seen in xl list's state (HypervisorEvents.onShutdown). */
  shutdown(domid: number, reason: ShutdownReason): Promise<void> {
    this.entry(domid);
    if (reason === 'reboot') return this.act(domid, ['reboot', String(domid)]);
    if (reason === 'poweroff' || reason === 'halt') return this.act(domid, ['shutdown', String(domid)]);
    throw new XendError(`the xen backend cannot ${reason} a guest (xl has no such request)`);
  }

  setMemory(domid: number, mib: number): Promise<void> {
    const d = this.records.get(domid);
    if (d && mib > d.maxmemMiB) throw new XendError(`cannot balloon above maxmem (${d.maxmemMiB} MiB)`);
    this.entry(domid);
    if (d) this.save({ ...d, memoryMiB: mib });
    return this.act(domid, ['mem-set', String(domid), `${mib}m`]).finally(() => this.refreshHost());
  }

  setMaxMemory(domid: number, mib: number): void {
    this.entry(domid);
    const d = this.records.get(domid);
    if (d) this.save({ ...d, maxmemMiB: mib, memoryMiB: Math.min(d.memoryMiB, mib) });
    void this.act(domid, ['mem-max', String(domid), `${mib}m`]);
  }

  /** `xl vcpu-set -i`: xend, as before it, lets a domain have more VCPUs than the host has CPUs. */
  setVcpus(domid: number, count: number): Promise<void> {
    this.entry(domid);
    return this.act(domid, ['vcpu-set', '-i', String(domid), String(count)]).finally(() => (this.vcpus.at = 0));
  }

  setVcpuAffinity(domid: number, vcpu: number, cpus: readonly number[]): void {
    this.entry(domid);
    const usable = cpus.filter((c) => Number.isInteger(c) && c >= 0 && c < this.info.nr_cpus);
    if (!usable.length) throw new XendError(`none of CPUs ${cpus.join(',')} exists on this host (${this.info.nr_cpus} CPUs)`);
    void this.act(domid, ['vcpu-pin', String(domid), String(vcpu), usable.join(',')], () => (this.vcpus.at = 0));
  }

  /** Through the scheduler Xen runs: credit2 (4.17's default) takes a weight and a cap too, under its own command. */
  setSchedCredit(domid: number, weight: number, cap: number): Promise<void> {
    this.entry(domid);
    const cmd = this.schedCommand();
    if (!cmd) throw new XendError(`the xen backend: Xen's ${this.info.xen_scheduler} scheduler has no weight or cap`);
    this.sched.set(domid, { weight, cap });
    return this.act(domid, [cmd, '-d', String(domid), '-w', String(weight), '-c', String(cap)]);
  }

  sendSysrq(domid: number, key: string): void {
    this.entry(domid);
    if (!/^[!-~]$/.test(key)) throw new XendError(`sysrq key ${JSON.stringify(key.slice(0, 8))} is not a letter xl sends`);
    void this.act(domid, ['sysrq', String(domid), key]);
  }

  /** xl trigger: for HVM and PVH guests (Xen refuses them for PV, as it did to xend). */
  sendTrigger(domid: number, trigger: Trigger, vcpu: number): void {
    this.entry(domid);
    const builder = this.builderOf(domid);
    if (builder === 'linux') throw new XendError(`the xen backend: triggers are for HVM and PVH guests; domain ${domid} is PV`);
    const xlName = trigger === 's3resume' ? 's3resume' : trigger;
    void this.act(domid, ['trigger', String(domid), xlName, String(vcpu)]);
  }

  /** xl writes the core into xend's private directory (it follows links); xend moves it where asked. */
  async dumpCore(domid: number, path: string): Promise<void> {
    this.entry(domid);
    const tmp = join(this.runDir, `${domid}.core`);
    rmSync(tmp, { force: true });
    try {
      await this.runner.run('xl', ['dump-core', String(domid), tmp], { timeoutMs: CORE_TIMEOUT_MS });
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
    await deliverCore(tmp, path, process.getuid?.() ?? 0);
  }

  /** xl block-attach / network-attach, after what xend asked of the domain before; xl's refusal is the fault. */
  attachDevice(domid: number, device: HvDevice): Promise<void> {
    this.entry(domid);
    return this.deviceChange(domid, attachArgs(domid, device));
  }

  detachDevice(domid: number, device: HvDevice, force: boolean): Promise<void> {
    this.entry(domid);
    return this.deviceChange(domid, detachArgs(domid, device, force));
  }

  /** A CD-ROM's media (xl cd-insert / cd-eject); nothing else of a plugged-in device changes. */
  configureDevice(domid: number, before: HvDevice | null, after: HvDevice | null): Promise<void> {
    this.entry(domid);
    if (!before || !after) throw new XendError('the xen backend cannot add or remove a device by reconfiguring it');
    return this.deviceChange(domid, mediaArgs(domid, after));
  }

  /** One xl device command; a domain xl built has its devices read again (xend keeps no config of it). */
  private deviceChange(domid: number, args: string[]): Promise<void> {
    this.deviceActs.set(domid, Infinity);
    const done = this.act(domid, args).finally(() => this.deviceActs.set(domid, ++this.moments));
    const e = this.listing.get(domid);
    return e && this.isForeign(e) ? done.then(() => this.learnForeign(e)) : done;
  }

  // CPU pools: xl cpupool-*, each answered once xl cpupool-list shows it (pools.ts).

  cpuPools(): HvCpuPool[] {
    return this.pools.list();
  }

  createCpuPool(sched: Scheduler, label: PoolLabel): Promise<number> {
    return this.pools.create(sched, label);
  }

  destroyCpuPool(id: number): Promise<void> {
    return this.pools.destroy(id);
  }

  cpuPoolAddCpu(id: number, cpu: number): Promise<void> {
    return this.pools.addCpu(id, cpu);
  }

  cpuPoolRemoveCpu(id: number, cpu: number): Promise<void> {
    return this.pools.removeCpu(id, cpu);
  }

  moveToCpuPool(domid: number, id: number): Promise<void> {
    this.entry(domid);
    return this.pools.move(domid, id);
  }

  updateRecord(domid: number, changes: RecordChanges): void {
    const id = this.aliases.get(domid) ?? domid;
    const p = this.placeholders.get(id);
    if (p) return applyRecordChanges(p, changes);
    const d = this.records.get(id);
    const renamed = changes.name !== undefined && changes.name !== (d?.name ?? this.listing.get(id)?.name);
    if (d) {
      const next = { ...d };
      applyRecordChanges(next, changes);
      this.save(next);
    } else this.entry(id);
    if (renamed) {
      const e = this.listing.get(id);
      if (e) e.name = changes.name!;
      void this.act(id, ['rename', String(id), changes.name!]);
    }
  }

  vcpuInfo(domid: number): VcpuInfo[] {
    const e = this.entry(domid);
    if (Date.now() - this.vcpus.at > VCPU_STALE_MS) void this.readVcpus();
    const rows = this.vcpus.rows.filter((v) => v.domid === domid);
    const all = Array.from({ length: this.info.nr_cpus }, (_, i) => i);
    const maxVcpus = this.get(domid)?.vcpus ?? e.vcpus;
    return Array.from({ length: maxVcpus }, (_, i): VcpuInfo => {
      const v = rows.find((r) => r.number === i);
      const online = v ? v.cpu >= 0 : i < e.vcpus;
      return {
        number: i,
        online,
        blocked: v?.blocked ?? e.flags.blocked,
        running: v?.running ?? e.flags.running,
        cpuTime: v?.cpuTime ?? 0,
        cpu: v ? Math.max(v.cpu, 0) : i % Math.max(1, all.length),
        cpumap: v ? cpuList(v.affinity, this.info.nr_cpus) : all,
      };
    });
  }

  consoleInput(domid: number, data: Buffer): void {
    this.consoles.get(domid)?.write(data);
  }

  async saveImage(domid: number, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
    const d = this.must(domid);
    if (opts.live) throw new XendError('the xen backend moves a domain only with its guest stopped (xl save); live migration is not available here');
    this.saving.add(domid);
    try {
      // After what xend asked of the domain before (a rename for a migration, say).
      await this.settled(domid);
      // Paused once xl saved it: xend destroys it, or unpauses it (a checkpoint, a migration that failed later).
      const stats = await saveWithXl(this.runner, domid, join(this.runDir, `${domid}.save`), sink, opts, () => {
        const e = this.listing.get(domid);
        if (e) e.flags.paused = true;
        // A listing begun before does not undo it.
        this.touch(domid);
      });
      this.save({ ...this.must(domid), lastChecksum: stats.checksum });
      return stats;
    } catch (err) {
      this.opts.log.error(`xen backend: domain ${domid} (${d.name}): save failed: ${(err as Error).message}`);
      throw err;
    } finally {
      // A listing begun meanwhile may show the guest suspended, as it was while xl saved it.
      this.touch(domid);
      this.saving.delete(domid);
      this.refresh();
    }
  }

  /** `xl restore` builds the domain from the image: the placeholder xend holds becomes it (aliased to Xen's domid). */
  restoreImage(domid: number, source: ByteSource): Promise<void> {
    return this.fill(domid, 'restored', async (p) => {
      const cfg = this.writeConfig(p);
      try {
        return await restoreWithXl(this.runner, cfg, `${cfg}.image`, source);
      } finally {
        rmSync(cfg, { force: true });
      }
    });
  }

  finishIncoming(domid: number, run: boolean): Promise<() => void> {
    return finishIncomingInParts(this, domid, run);
  }

  /** Its source on this very host (another xend sends it) is hidden as a domain being restored is. */
  expectLive(uuid: string): () => void {
    this.arriving.add(uuid);
    return () => this.arriving.delete(uuid);
  }

  /** `xl migrate-receive` on the relocation connection: xl builds and starts the domain the sender's xl sends. */
  receiveLive(domid: number, source: ByteSource, sink: ByteSink): Promise<void> {
    return this.fill(domid, 'received', async () => {
      await receiveWithXl(this.runner, source, sink);
      return '';
    });
  }

  /**
   * `xl migrate -s RELAY DOMID HOST`: xl copies the running guest through the
   * relay (`xend __xl-relay PORT RECORD`) to the destination xend, and destroys
   * it here once it runs there; on failure xl resumes it here. Only validated
   * values reach xl's shell line: the host (a name or address), the port (an
   * integer), xend's own paths; the domain is named by its id.
   */
  async sendLive(domid: number, to: LiveTarget, opts: LiveSendOptions): Promise<ImageStats> {
    const d = this.must(domid);
    if (!this.opts.relay?.length) throw new XendError('the xen backend has no relay command for xl migrate: live migration is not available');
    const record = join(this.runDir, `${domid}.migrate`);
    rmSync(record, { force: true });
    writeFileSync(record, to.header, { mode: 0o600, flag: 'wx' });
    this.saving.add(domid);
    try {
      await this.settled(domid);
      const stats = await sendWithXl(this.runner, domid, to.host, relayCommand(this.opts.relay, to.port, record), opts);
      // xl destroyed it here: gone from the view before a listing says so.
      this.destroying.add(domid);
      this.forget(domid);
      return stats;
    } catch (err) {
      this.opts.log.error(`xen backend: domain ${domid} (${d.name}): live migration failed: ${(err as Error).message}`);
      throw err;
    } finally {
      rmSync(record, { force: true });
      this.touch(domid);
      this.saving.delete(domid);
      this.refresh();
    }
  }

  memoryChecksum(domid: number): string {
    return this.records.get(this.aliases.get(domid) ?? domid)?.lastChecksum ?? '';
  }

  /** `xl debug-keys`: Xen prints what the keys do into its ring, which `xl dmesg` reads. */
  sendDebugKeys(keys: string): void {
    this.runner.runSync('xl', ['debug-keys', keys], { timeoutMs: 20_000 });
  }

  /** `xl dmesg`: read when asked (it is Xen's ring as it is now). */
  async dmesg(): Promise<string> {
    return dmesgText((await this.runner.run('xl', ['dmesg'], { timeoutMs: 20_000 })).stdout);
  }

  async clearDmesg(): Promise<string> {
    return dmesgText((await this.runner.run('xl', ['dmesg', '-c'], { timeoutMs: 20_000 })).stdout);
  }

  log(line: string): void {
    this.opts.log.info(line);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    for (const w of this.watchers) w.kill('SIGTERM');
    for (const c of this.consoles.values()) c.close();
    this.consoles.clear();
  }

  // ---- the view ----

  private viewAt(domid: number): HvDomain | undefined {
    if (this.destroying.has(domid)) return undefined;
    const e = this.listing.get(domid);
    if (!e) return undefined;
    const d = this.records.get(domid);
    if (d) return this.view(d);
    if (this.arriving.has(e.uuid) || (domid !== 0 && !servableName(e.name))) {
      // xl prints (null) for a domain being built or torn down: not a name to warn of.
      if (!this.hidden.has(e.uuid) && !this.arriving.has(e.uuid) && e.name !== '(null)') {
        this.hidden.add(e.uuid);
        this.opts.log.warning(`xen backend: domain ${domid} is named "${e.name.slice(0, 64)}", a name xend cannot serve: not shown`);
      }
      return undefined;
    }
    const start = domid === 0 ? this.bootTime : (this.starts.get(domid) ?? Date.now() / 1000 - e.cpuTime);
    const s = this.sched.get(domid);
    const long = this.long.get(domid);
    return this.inPool(hostDomain(e, long && s ? { ...long, ...s } : long, start));
  }

  private view(d: XenDomain): HvDomain {
    const e = this.listing.get(d.domid);
    const s = this.sched.get(d.domid);
    const v = viewOf(d, { onlineVcpus: e?.vcpus ?? d.vcpus, paused: e ? e.flags.paused : true, busy: e?.flags.running ?? false, cpuTime: e?.cpuTime ?? 0 });
    if (e?.flags.dying) v.flags.dying = true;
    return this.inPool(s ? { ...v, cpuWeight: s.weight, cpuCap: s.cap } : v);
  }

  /** The view with the pool the domain runs in, once a reading of the pools saw it. */
  private inPool(v: HvDomain): HvDomain {
    const pool = this.pools.poolOf(v.domid);
    return pool === undefined ? v : { ...v, cpuPool: pool };
  }

  // ---- keeping the view current ----

  /**
   * Applies an `xl list -v` begun at the moment `listedAt`: domains gone are forgotten,
   * shutdowns become xend's events. A domain xend changed since then keeps what
   * xend knows of it (xl's answer may predate the change).
   */
  private reconcile(entries: XlListEntry[], emit: boolean, listedAt: number): void {
    // A listing begun before the one applied last (a create's, beside the poll's) is older news.
    if (listedAt < this.appliedAt) return;
    this.appliedAt = listedAt;
    const next = new Map(entries.map((e) => [e.domid, e]));
    const newer = new Set<number>();
    for (const [id, at] of this.touched) {
      // While xl changes a domain (its chain of xl runs), a listing begun after xend asked may still have read it before.
      if (at < listedAt && !this.chains.has(id)) {
        this.touched.delete(id);
        continue;
      }
      newer.add(id);
      const known = this.listing.get(id);
      if (known) next.set(id, known);
    }
    const previous = this.listing;
    this.listing = next;
    for (const id of this.destroying) if (!this.listing.has(id)) this.destroying.delete(id);
    const shutdowns: [number, ShutdownReason][] = [];
    for (const d of [...this.records.values()]) {
      const e = this.listing.get(d.domid);
      if (newer.has(d.domid)) continue;
      if (!e || e.uuid !== d.uuid) {
        // Kept as it was until xl says of this very domain that it is gone: its record is all xend has of it.
        const was = previous.get(d.domid);
        if (was?.uuid === d.uuid) this.listing.set(d.domid, was);
        void this.confirmGone(d);
        continue;
      }
      if ((e.flags.shutdown || e.flags.crashed) && d.shutdownReason === null && !this.saving.has(d.domid)) {
        const reason = shutdownReasonOf(e.reasonCode, e.flags.crashed);
        this.save({ ...d, shutdownReason: reason });
        shutdowns.push([d.domid, reason]);
      }
    }
    for (const e of entries) if (this.isForeign(e) && !this.long.has(e.domid)) void this.learnForeign(e);
    if (emit) for (const [domid, reason] of shutdowns) this.opts.events.onShutdown(domid, reason);
  }

  /**
   * A domain xend built that a listing did not show: `xl list -v DOMID` decides. Gone (xl
   * knows no such domain, or another has its id), it is forgotten; shown, it stays, and the
   * listing that missed it is logged; xl failing otherwise, the next listing asks again.
   */
  private async confirmGone(d: XenDomain): Promise<void> {
    if (this.confirming.has(d.domid)) return;
    this.confirming.add(d.domid);
    const listedAt = ++this.moments;
    try {
      let now: XlListEntry | undefined;
      try {
        now = parseXlList((await this.runner.run('xl', ['list', '-v', String(d.domid)], { timeoutMs: 30_000 })).stdout).find((e) => e.domid === d.domid);
      } catch (err) {
        if (!(err instanceof XendInvalidDomain)) {
          this.opts.log.warning(`xen backend: domain ${d.domid} (${d.name}) was not in xl list, and xl list ${d.domid} failed: ${(err as Error).message}`);
          return;
        }
      }
      if (this.records.get(d.domid)?.uuid !== d.uuid) return;
      if (now?.uuid === d.uuid) {
        this.opts.log.warning(`xen backend: domain ${d.domid} (${d.name}) was missing from a listing of xl list; xl list ${d.domid} shows it: kept`);
        if ((this.touched.get(d.domid) ?? 0) < listedAt) this.listing.set(d.domid, now);
        return;
      }
      this.opts.log.info(`xen backend: domain ${d.domid} (${d.name}) is gone from Xen${now ? ` (its id is ${now.name}'s now, uuid ${now.uuid || 'not read'})` : ''}`);
      if (this.listing.get(d.domid)?.uuid === d.uuid) this.listing.delete(d.domid);
      this.forget(d.domid);
    } finally {
      this.confirming.delete(d.domid);
    }
  }

  /** A domain xend did not build and is not building, restoring or destroying: made with xl behind its back. */
  private isForeign(e: XlListEntry): boolean {
    return e.domid !== 0 && !this.records.has(e.domid) && !this.arriving.has(e.uuid) && !this.destroying.has(e.domid);
  }

  /** Reads `xl list` again now; calls while one runs make one more. */
  private refresh(): void {
    if (this.closed) return;
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    const listedAt = ++this.moments;
    this.refreshing = this.runner
      .run('xl', ['list', '-v'], { timeoutMs: 30_000 })
      .then(
        (r) => this.reconcile(parseXlList(r.stdout), true, listedAt),
        (err: Error) => this.opts.log.warning(`xen backend: xl list failed: ${err.message}`),
      )
      .finally(() => {
        this.refreshing = null;
        if (this.refreshAgain) {
          this.refreshAgain = false;
          this.refresh();
        }
      });
  }

  /** Free memory and the scheduler's parameters change with every domain built or resized. */
  private refreshHost(): void {
    void this.runner.run('xl', ['info'], { timeoutMs: 30_000 }).then(
      (r) => (this.info = hostInfoOf(r.stdout, 0, this.xl)),
      () => undefined,
    );
    const cmd = this.schedCommand();
    if (cmd) void this.runner.run('xl', [cmd], { timeoutMs: 30_000 }).then((r) => (this.sched = parseSchedTable(r.stdout)), () => undefined);
    if (this.pools.partitioned()) void this.pools.refresh().catch(() => undefined);
  }

  private readSched(): Map<number, { weight: number; cap: number }> {
    const cmd = this.schedCommand();
    if (!cmd) return new Map();
    try {
      return parseSchedTable(this.runner.runSync('xl', [cmd], { timeoutMs: 30_000 }).stdout);
    } catch {
      return new Map();
    }
  }

  private schedCommand(): string | null {
    const s = this.info.xen_scheduler;
    return s === 'credit' ? 'sched-credit' : s === 'credit2' ? 'sched-credit2' : null;
  }

  private async readVcpus(): Promise<void> {
    this.vcpus.at = Date.now();
    try {
      this.vcpus = { at: Date.now(), rows: parseVcpuList((await this.runner.run('xl', ['vcpu-list'], { timeoutMs: 30_000 })).stdout) };
    } catch (err) {
      this.opts.log.warning(`xen backend: xl vcpu-list failed: ${(err as Error).message}`);
    }
  }

  /** A domain xl built: its configuration (again after xend changed its devices) and start time, for xend's record of it. */
  private async learnForeign(e: XlListEntry): Promise<void> {
    if (!this.long.has(e.domid)) {
      this.long.set(e.domid, { domid: e.domid, name: e.name, uuid: e.uuid, type: 'pv', maxVcpus: e.vcpus, maxmemMiB: e.memoryMiB, memoryMiB: e.memoryMiB, kernel: '', ramdisk: '', cmdline: '', disks: [], nics: [] });
    }
    try {
      const [long] = parseXlListLong((await this.runner.run('xl', ['list', '-l', String(e.domid)], { timeoutMs: 60_000 })).stdout);
      if (long) this.long.set(e.domid, long);
      const start = Number((await this.runner.run('xenstore-read', [`/vm/${e.uuid}/start_time`], { timeoutMs: 10_000 })).stdout.trim());
      if (Number.isFinite(start) && start > 0) this.starts.set(e.domid, start);
    } catch {
      // xl list shows it still; what it was built from stays unknown
    }
  }

  /**
   * The disks and interfaces of the domains xend built, as xenstore lists their
   * frontends: one detached behind xend's back (`xl block-detach`) leaves xend's
   * record, so `xm block-list` and a save or migration no longer carry it.
   */
  private async readDevices(): Promise<void> {
    if (this.readingDevices) return;
    this.readingDevices = true;
    try {
      const begun = ++this.moments;
      // Judged: the domains built and listed before xenstore was read (one built meanwhile may
      // show half its frontends), unless saved, destroyed or changed by xend since.
      const known = [...this.records.keys()].filter((domid) => this.listing.has(domid) && !this.saving.has(domid));
      const all = await readPlugged(this.runner);
      for (const domid of all ? known : []) {
        const d = this.records.get(domid);
        const plugged = all!.get(domid);
        if (!d || !plugged || this.saving.has(domid) || this.destroying.has(domid) || !this.listing.has(domid) || (this.deviceActs.get(domid) ?? 0) > begun) continue;
        const gone = unplugged(d.config.devices, plugged);
        if (!gone.length) continue;
        this.opts.log.info(`xen backend: domain ${domid} (${d.name}): ${gone.length} device(s) no longer in xenstore (detached behind xend's back): dropped from its record`);
        this.save({ ...d, config: { ...d.config, devices: d.config.devices.filter((dev) => !gone.includes(dev)) } });
      }
    } finally {
      this.readingDevices = false;
    }
  }

  /** xenstore's watch: one line per firing, each a reason to read `xl list` again. */
  private watch(path: string): void {
    const w = this.runner.spawn('xenstore-watch', [path], ['ignore', 'pipe', 'ignore']);
    w.on('error', (err) => this.opts.log.warning(`xen backend: xenstore-watch ${path}: ${err.message}; xl list is read every ${POLL_MS / 1000} s`));
    w.stdout?.on('data', () => this.refresh());
    w.on('exit', () => {
      if (!this.closed) this.opts.log.warning(`xen backend: xenstore-watch ${path} ended; xl list is read every ${POLL_MS / 1000} s`);
    });
    this.watchers.push(w);
  }

  // ---- actions ----

  /**
   * Runs an xl command after every earlier one for this domain; failures are
   * logged (a caller that does not wait need not catch), then `after` runs and
   * the view is read again.
   */
  private act(domid: number, args: string[], after?: () => void): Promise<void> {
    const earlier = this.settled(domid);
    this.touch(domid);
    const done = earlier
      .then(async () => void (await this.runner.run('xl', args)))
      .finally(() => {
        this.touch(domid);
        after?.();
        this.refresh();
      });
    this.chains.set(domid, done);
    const last = () => {
      if (this.chains.get(domid) === done) this.chains.delete(domid);
    };
    void done.then(last, (err: Error) => {
      last();
      this.opts.log.error(`xen backend: domain ${domid}: ${err.message}`);
    });
    return done;
  }

  /** Once every xl xend ran for the domain so far has ended, however it ended. */
  private settled(domid: number): Promise<void> {
    return (this.chains.get(domid) ?? Promise.resolve()).then(
      () => undefined,
      () => undefined,
    );
  }

  /** xend changed the domain now: an `xl list` begun before does not overrule it. */
  private touch(domid: number): void {
    this.touched.set(domid, ++this.moments);
  }

  /**
   * xl built the domain but xend cannot see it (its `xl list` failed): as
   * xend undid a domain it could not finish, it is destroyed (by its name, which
   * Xen holds unique) and the create fails with why.
   */
  private async undoCreate(spec: DomainSpec, err: Error): Promise<never> {
    try {
      await this.runner.run('xl', ['destroy', spec.name]);
    } catch (undo) {
      this.opts.log.error(`xen backend: ${spec.name} was built but could not be destroyed: ${(undo as Error).message}`);
    }
    throw new XendError(`xl built ${spec.name}, but xend could not list it (${err.message}): destroyed`);
  }

  /**
   * The domain xl just built or restored from `spec`, from an `xl list -v` read
   * now (the newest domid with its uuid that xend has no record of: on a
   * migration to this host, the source shares it), applied to the view.
   */
  private async listed(spec: DomainSpec): Promise<XlListEntry> {
    const listedAt = ++this.moments;
    const entries = parseXlList((await this.runner.run('xl', ['list', '-v'], { timeoutMs: 30_000 })).stdout);
    const e = entries.filter((x) => x.uuid === spec.uuid && !this.records.has(x.domid)).sort((a, b) => b.domid - a.domid)[0];
    if (!e) throw new XendError(`xl built ${spec.name}, but xl list does not show it`);
    this.reconcile(entries, true, listedAt);
    this.touch(e.domid);
    return e;
  }

  /**
   * The placeholder xend holds becomes the domain xl builds from what `build`
   * reads (aliased to Xen's domid); `build` resolves with the memory's checksum.
   */
  private async fill(domid: number, how: string, build: (p: XenDomain) => Promise<string>): Promise<void> {
    const p = this.placeholders.get(domid);
    if (!p) throw new XendError(`the xen backend fills only a domain created for it (domain ${domid} was not)`);
    this.arriving.add(p.uuid);
    try {
      const checksum = await build(p);
      const e = await this.listed(p);
      if (!this.placeholders.delete(domid)) {
        // xend gave up on it meanwhile (destroyed): so does the host.
        void this.act(e.domid, ['destroy', String(e.domid)]);
        throw new XendError(`domain ${p.name} was destroyed while it was being ${how}`);
      }
      this.save({ ...p, domid: e.domid, startTime: Date.now() / 1000, lastChecksum: checksum });
      this.aliases.set(domid, e.domid);
      this.attachConsole(e.domid);
      // xl migrate carries the name the sender gave it meanwhile (migrating-NAME): it takes its own again.
      if (e.name !== p.name) {
        e.name = p.name;
        void this.act(e.domid, ['rename', String(e.domid), p.name]);
      }
    } finally {
      this.arriving.delete(p.uuid);
    }
  }

  private placeholder(spec: DomainSpec): HvDomain {
    let domid = PLACEHOLDER_TOP;
    while (this.placeholders.has(domid) || this.listing.has(domid)) domid--;
    const p: XenDomain = storedDomain(domid, spec);
    this.placeholders.set(domid, p);
    return this.view(p);
  }

  private writeConfig(spec: XlConfigInput): string {
    const text = xlConfig(spec);
    const path = join(this.runDir, `${spec.uuid}-${process.hrtime.bigint()}.cfg`);
    writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
    return path;
  }

  /** The domain's console; `history`, xenconsoled's log of it, replayed first (a domain xend adopts). */
  private attachConsole(domid: number, history?: ConsoleLog): void {
    this.consoles.get(domid)?.close();
    this.consoles.set(
      domid,
      new XenConsole(
        domid,
        this.runner,
        (text) => this.opts.events.onConsoleOutput(domid, text),
        (message) => this.opts.log.warning(`xen backend: domain ${domid}: ${message}`),
        history,
      ),
    );
  }

  private builderOf(domid: number): string {
    const image = this.get(domid)?.config?.image[1];
    return Array.isArray(image) ? String(image[0]) : 'linux';
  }

  /** The listed domain, or xend's "no such domain" for one Xen no longer has. */
  private entry(domid: number): XlListEntry {
    const e = this.listing.get(domid);
    if (!e || this.destroying.has(domid)) throw new XendError(`(3, 'No such process')`);
    return e;
  }

  private must(domid: number): XenDomain {
    const d = this.records.get(domid);
    if (!d) throw new XendError(`the xen backend: domain ${domid} was not built by this xend`);
    return d;
  }

  /** Durable first: a change whose record could not be written is not made. */
  private save(d: XenDomain): void {
    this.store.write(String(d.domid), d);
    this.records.set(d.domid, d);
  }

  private forget(domid: number): void {
    this.consoles.get(domid)?.close();
    this.consoles.delete(domid);
    this.long.delete(domid);
    this.starts.delete(domid);
    this.deviceActs.delete(domid);
    if (this.records.delete(domid)) this.store.remove(String(domid));
    for (const [from, to] of this.aliases) if (to === domid) this.aliases.delete(from);
  }
}
