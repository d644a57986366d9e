import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { cpus, freemem, hostname, release, totalmem, version } from 'node:os';
import { chmodSync, chownSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../../make-dirs.js';
import { DurableDir } from '../../store/durable.js';
import { childValue } from '../../sxp/index.js';
import { QmpClient } from './qmp.js';
import { chooseAccel, type AccelChoice } from './accel.js';
import { qemuArgs, runPaths, vfbOf, wantsVnc } from './cmdline.js';
import { UnsupportedConfig } from './errors.js';
import { startQemu, stillRunning, type QemuProcess } from './launch.js';
import { qemuUser, unreachableBy, type QemuUser } from './user.js';
import { receiveImage, sendImage } from './image-relay.js';
import { dumpCore } from './core-dump.js';
import { changeMedia, plug, unplug } from './hotplug.js';
import { setThreadAffinity, threadPlacement, vcpuThreads } from './affinity.js';
import { CpuPools, keepPins, pinVcpu, runnableCpus, unpinnedDrafts, type Pins, type PoolsRecord } from '../cpu-pools.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import { applyRecordChanges, finishIncomingInParts, type DomainSpec, type HostInfo, type HvCpuPool, type HvDevice, type HostLog, type HvDomain, type Hypervisor, type HypervisorEvents, type ImageStats, type PoolLabel, type RecordChanges, type SaveImageOptions, type Scheduler, type ShutdownReason, type StoredDomain, revivedRecord, storedDomain, type Trigger, viewOf, type VcpuInfo } from '../types.js';

export interface QemuHostOptions {
  stateDir: string;
  binary: string;
  accel: string;
  /** `(qemu-user NAME)`: '' keeps QEMU as root. */
  user: string;
  events: HypervisorEvents;
  log: HostLog;
}

/** What is kept on disk for each guest: enough to find its QEMU again after xend restarts. */
interface QemuDomain extends StoredDomain {
  qemu: QemuProcess;
  lastChecksum?: string;
  /** The -m the guest was started with, once mem-max lowered maxmem below it. */
  startupMiB?: number;
  /** Physical CPUs each vCPU may run on (vcpu-pin); absent = any. */
  affinity?: Pins;
  /** The CPU pool it runs in; absent = pool 0. */
  cpuPool?: number;
}

/** The live side of a guest: its QMP connection (commands run in order through `chain`) and console. */
interface Live {
  qmp: Promise<QmpClient>;
  chain: Promise<unknown>;
  paused: boolean;
  console: Socket | null;
  destroying: boolean;
  cpu: { at: number; ticks: number; busy: boolean };
  /** Where its VNC server listens (`host:port`), once QEMU said. */
  vnc?: string;
  /** The host thread of each vCPU (query-cpus-fast), once QEMU said. */
  threads: Promise<number[]>;
  tids?: number[];
}

const TICKS_PER_SECOND = 100;
/** Linux's scheduler runs every guest's vCPU threads: the one scheduler this host names (xm info, every pool). */
const QEMU_SCHEDULER: Scheduler = 'credit';

/**
 * Real guests under QEMU: one detached qemu-system-x86_64 per domain, driven over
 * its QMP socket, its serial port behind xend's console service. Guests outlive
 * xend and are found again from their pid and sockets under the state path.
 */
export class QemuHost implements Hypervisor {
  readonly name = 'qemu';
  readonly migratesLive = true;
  private readonly store: DurableDir<QemuDomain>;
  private readonly domains = new Map<number, QemuDomain>();
  private readonly live = new Map<number, Live>();
  private readonly runDir: string;
  private readonly accel: AccelChoice;
  private readonly bootTime = Date.now() / 1000 - Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  private nextDomid = 1;
  private readonly qemuVersion: string;
  private readonly sandbox: boolean;
  private readonly user: QemuUser | null;
  private readonly poolStore: DurableDir<PoolsRecord>;
  private readonly poolRecord: PoolsRecord;
  private readonly pools: CpuPools;

  constructor(private readonly opts: QemuHostOptions) {
    const dir = join(opts.stateDir, 'qemu');
    this.store = new DurableDir(join(dir, 'domains'), 'xend');
    this.runDir = join(dir, 'run');
    this.poolStore = new DurableDir(join(dir, 'host'));
    this.poolRecord = this.poolStore.read('pools') ?? {};
    this.pools = new CpuPools(this.poolRecord, cpus().length, QEMU_SCHEDULER);
    this.accel = chooseAccel(opts.accel);
    this.qemuVersion = qemuVersion(opts.binary);
    this.user = qemuUser(opts.user);
    if (this.user) {
      // Searchable, not readable: each guest's own run directory is its QEMU's, 0700.
      for (const d of [dir, this.runDir]) {
        makeDirs(d, 0o711);
        chmodSync(d, 0o711);
      }
      const blocked = unreachableBy(this.user, this.runDir);
      if (blocked) throw new Error(`qemu-user ${this.user.name} cannot reach ${this.runDir}: ${blocked} is not searchable by it (chmod o+x)`);
    }
    this.sandbox = runs(opts.binary, ['-sandbox', 'on', '--version']);
    if (!this.sandbox) opts.log.warning(`qemu backend: ${opts.binary} has no seccomp sandbox (-sandbox on is refused): guests' QEMUs run without it`);
    opts.log.info(`qemu backend: ${opts.binary}, accelerator ${this.accel.accel} (${this.accel.reason})`);
    for (const d of this.store.readAll((m) => opts.log.error(`qemu backend: domain ${m}`), revivedRecord)) {
      this.nextDomid = Math.max(this.nextDomid, d.domid + 1);
      this.domains.set(d.domid, d);
      // A record from before xend kept the identity of its QEMU has none: that QEMU cannot be told from a reused pid.
      if (d.qemu && stillRunning(d.qemu)) this.attach(d, null);
      else if (d.shutdownReason === null) {
        // Died while xend was down: a crash, which xend's recovery answers with on_crash.
        opts.log.info(`qemu backend: domain ${d.domid} (${d.name}) crashed: its QEMU (pid ${d.qemu?.pid}) no longer runs`);
        d.shutdownReason = 'crash';
        this.save(d);
      }
    }
  }

  private runOf(domid: number) {
    return runPaths(join(this.runDir, String(domid)));
  }

  hostInfo(): HostInfo {
    const used = [...this.domains.values()].reduce((s, d) => s + d.memoryMiB, 0);
    const total = Math.floor(totalmem() / 1048576);
    return {
      host: hostname(),
      release: release(),
      version: version(),
      machine: 'x86_64',
      nr_cpus: cpus().length,
      nr_nodes: 1,
      cores_per_socket: cpus().length,
      threads_per_core: 1,
      cpu_mhz: Math.round(cpus()[0]?.speed ?? 0),
      hw_caps: '',
      virt_caps: this.accel.accel === 'kvm' ? 'hvm' : '',
      total_memory: total,
      free_memory: Math.max(0, Math.min(Math.floor(freemem() / 1048576), total - used)),
      free_cpus: 0,
      xen_major: 4,
      xen_minor: 4,
      xen_extra: '.4',
      xen_caps: `qemu-x86_64-${this.accel.accel}`,
      xen_scheduler: QEMU_SCHEDULER,
      xen_pagesize: 4096,
      platform_params: '',
      xen_changeset: `qemu backend: ${this.opts.binary} ${this.qemuVersion}, ${this.accel.accel} (${this.accel.reason})`,
      xen_commandline: '',
      cc_compiler: 'gcc version (host)',
      cc_compile_by: 'qemu',
      cc_compile_domain: '',
      cc_compile_date: '',
      uptime: Date.now() / 1000 - this.bootTime,
    };
  }

  list(): HvDomain[] {
    return [this.dom0(), ...[...this.domains.values()].sort((a, b) => a.domid - b.domid).map((d) => this.view(d))];
  }

  get(domid: number): HvDomain | undefined {
    if (domid === 0) return this.dom0();
    const d = this.domains.get(domid);
    return d && this.view(d);
  }

  async create(spec: DomainSpec): Promise<HvDomain> {
    const domid = this.nextDomid++;
    const run = this.runOf(domid);
    let args: string[];
    try {
      args = qemuArgs({ name: spec.name, maxmemMiB: spec.maxmemMiB, vcpus: spec.vcpus, config: spec.config, accel: this.accel.accel, run, incoming: spec.incomplete === true, sandbox: this.sandbox, runas: this.user?.name ?? null });
    } catch (err) {
      if (err instanceof UnsupportedConfig) throw err;
      throw new UnsupportedConfig((err as Error).message);
    }
    rmSync(run.dir, { recursive: true, force: true });
    makeDirs(run.dir, 0o700);
    // QEMU, once it is that user, creates its incoming migration socket here.
    if (this.user) chownSync(run.dir, this.user.uid, this.user.gid);
    let started;
    try {
      started = startQemu(this.opts.binary, args, run.pidfile);
    } catch (err) {
      this.opts.log.error(`qemu backend: domain ${spec.name}: ${(err as Error).message}`);
      rmSync(run.dir, { recursive: true, force: true });
      throw err;
    }
    if (started.warnings) this.opts.log.warning(`qemu backend: domain ${spec.name}: QEMU says: ${started.warnings}`);
    // Assigned, not spread: a spread gives each record a hidden class of its own on V8 (see sim).
    const d: QemuDomain = Object.assign(storedDomain(domid, spec), { qemu: started.process });
    this.save(d);
    this.attach(d, true);
    if (spec.memoryMiB < spec.maxmemMiB) this.setMemory(domid, spec.memoryMiB);
    // It starts in pool 0: confined to that pool's CPUs once other pools took some.
    if (this.pools.cpusOf(0).length < cpus().length) {
      try {
        await this.place(domid);
      } catch (err) {
        this.destroy(domid);
        throw err;
      }
    }
    return this.view(d);
  }

  destroy(domid: number): void {
    const d = this.must(domid);
    const l = this.live.get(domid);
    if (l) {
      l.destroying = true;
      l.console?.destroy();
      void l.qmp.then((q) => q.execute('quit')).catch(() => {});
    }
    const qemu = d.qemu;
    setTimeout(() => qemu && stillRunning(qemu) && process.kill(qemu.pid, 'SIGKILL'), 3000).unref();
    this.forget(domid);
  }

  /** Flagged at once; QEMU's STOP/RESUME events keep the flag true to what QEMU did. */
  pause(domid: number): Promise<void> {
    const done = this.command(domid, 'stop');
    this.liveOf(domid).paused = true;
    return done;
  }

  unpause(domid: number): Promise<void> {
    const done = this.command(domid, 'cont');
    this.liveOf(domid).paused = false;
    return done;
  }

  shutdown(domid: number, reason: ShutdownReason): void {
    if (reason === 'reboot') this.command(domid, 'system_reset');
    else if (reason === 'poweroff' || reason === 'halt') this.command(domid, 'system_powerdown');
    else throw new Error(`the qemu backend cannot ${reason} a guest`);
  }

  setMemory(domid: number, mib: number): void {
    const d = this.must(domid);
    if (mib > d.maxmemMiB) throw new Error(`cannot balloon above maxmem (${d.maxmemMiB} MiB)`);
    this.command(domid, 'balloon', { value: mib * 1048576 });
    d.memoryMiB = mib;
    this.save(d);
  }

  /** QEMU's RAM is fixed when it starts: the ceiling can only move below that. */
  setMaxMemory(domid: number, mib: number): void {
    const d = this.must(domid);
    const started = d.startupMiB ?? d.maxmemMiB;
    if (mib > started) throw new Error(`cannot raise maxmem above the ${started} MiB the guest was started with`);
    d.startupMiB = started;
    d.maxmemMiB = mib;
    if (d.memoryMiB > mib) this.setMemory(domid, mib);
    this.save(d);
  }

  /** SysRq over the serial console: a BREAK, then the key, as a Linux console expects. */
  sendSysrq(domid: number, key: string): void {
    this.command(domid, 'chardev-send-break', { id: 'c0' });
    const l = this.liveOf(domid);
    l.chain = l.chain.then(() => l.console?.write(key), () => undefined);
  }

  sendTrigger(domid: number, trigger: Trigger): void {
    const qmp: Partial<Record<Trigger, string>> = { nmi: 'inject-nmi', reset: 'system_reset', power: 'system_powerdown' };
    const cmd = qmp[trigger];
    if (!cmd) throw new Error(`the qemu backend cannot send the ${trigger} trigger`);
    this.command(domid, cmd);
  }

  /** An ELF core of the guest's memory, written by QEMU itself. */
  async dumpCore(domid: number, path: string): Promise<void> {
    await dumpCore(await this.liveOf(domid).qmp, this.runOf(domid).dir, path, this.user?.uid ?? 0);
  }

  setVcpus(): void {
    throw new Error('the qemu backend cannot change the number of VCPUs of a running guest');
  }

  attachDevice(domid: number, device: HvDevice): Promise<void> {
    return this.exclusive(domid, (q) => plug(q, device));
  }

  detachDevice(domid: number, device: HvDevice, force: boolean): Promise<void> {
    return this.exclusive(domid, (q) => unplug(q, device, force));
  }

  /** block-configure's media change; nothing else of a plugged-in device changes under QEMU. */
  configureDevice(domid: number, before: HvDevice | null, after: HvDevice | null): Promise<void> {
    if (!before || !after) return Promise.reject(new Error('the qemu backend can only change the media of a CD-ROM drive'));
    return this.exclusive(domid, (q) => changeMedia(q, after));
  }

  updateRecord(domid: number, changes: RecordChanges): void {
    // Changed on a copy: if the write fails, the record in memory stays what the disk has.
    const d = { ...this.must(domid) };
    applyRecordChanges(d, changes);
    this.save(d);
  }

  /** Each vCPU as the kernel has its thread: where it may run, where it last ran, its CPU time. */
  vcpuInfo(domid: number): VcpuInfo[] {
    const view = this.get(domid);
    if (!view) throw new Error(`(3, 'No such process')`);
    const all = Array.from({ length: cpus().length }, (_, i) => i);
    const d = this.domains.get(domid);
    const tids = this.live.get(domid)?.tids;
    return Array.from({ length: view.vcpus }, (_, i) => {
      const at = d && tids ? threadPlacement(d.qemu.pid, tids[i]!) : null;
      return {
        number: i,
        online: true,
        blocked: view.flags.blocked,
        running: view.flags.running,
        cpuTime: at ? at.ticks / TICKS_PER_SECOND : view.cpuTime / view.vcpus,
        // Domain-0 is the host; a guest whose threads are not known (yet, or any more) ran nowhere.
        cpu: at?.cpu ?? (d ? -1 : i % all.length),
        cpumap: at?.cpus ?? (d ? runnableCpus(d.affinity?.[i], this.pools.cpusOf(d.cpuPool ?? 0)) : all),
      };
    });
  }

  /** vcpu-pin: kept with the guest, then its thread confined to where the pinning meets the guest's pool. */
  setVcpuAffinity(domid: number, vcpu: number, asked: readonly number[]): Promise<void> {
    if (domid === 0) throw new Error("the qemu backend cannot pin Domain-0's VCPUs: they are the host's CPUs");
    const d = { ...this.must(domid) };
    const pins = pinVcpu(d.affinity, d.vcpus, vcpu, asked, cpus().length, this.pools.cpusOf(d.cpuPool ?? 0));
    keepPins(d, pins);
    return this.keepPlaced(d);
  }

  cpuPools(): HvCpuPool[] {
    return this.pools.list();
  }

  createCpuPool(sched: Scheduler, label: PoolLabel): number {
    if (sched !== QEMU_SCHEDULER) throw new Error(`the qemu backend's pools run Linux's scheduler, named ${QEMU_SCHEDULER}: not ${sched}`);
    const id = this.pools.create(sched, label);
    this.savePools();
    return id;
  }

  setPoolLabel(id: number, label: PoolLabel): void {
    this.pools.setLabel(id, label);
    this.savePools();
  }

  destroyCpuPool(id: number): void {
    this.pools.destroy(id, this.inPool(id).length);
    this.savePools();
  }

  /** Its guests' unpinned vCPUs may run on the new CPU too. */
  cpuPoolAddCpu(id: number, cpu: number): Promise<void> {
    this.pools.addCpu(id, cpu);
    this.savePools();
    return this.placeAll(this.inPool(id));
  }

  /** Its guests' vCPUs leave the CPU; one pinned only to CPUs the pool no longer has may run anywhere in it, as Xen broke such a pinning. */
  cpuPoolRemoveCpu(id: number, cpu: number): Promise<void> {
    const members = this.inPool(id);
    this.pools.removeCpu(id, cpu, members.length);
    this.savePools();
    for (const { draft, broken } of unpinnedDrafts(members, this.pools.cpusOf(id))) {
      this.save(draft);
      this.opts.log.info(`qemu backend: domain ${draft.domid}: vCPU ${broken.join(', ')} pinned to no CPU of pool ${id} any more: unpinned`);
    }
    return this.placeAll(members);
  }

  /** As Xen's sched_move_domain: the guest's vCPUs unpinned, free to run anywhere in the new pool. */
  moveToCpuPool(domid: number, id: number): Promise<void> {
    const d = { ...this.must(domid) };
    this.pools.requireRunnable(id);
    d.cpuPool = id;
    delete d.affinity;
    return this.keepPlaced(d);
  }

  consoleInput(domid: number, data: Buffer): void {
    this.live.get(domid)?.console?.write(data);
  }

  async saveImage(domid: number, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
    const qmp = await this.liveOf(domid).qmp;
    const stats = await sendImage(qmp, join(this.runOf(domid).dir, 'out.mig'), sink, opts);
    this.must(domid).lastChecksum = stats.checksum;
    return stats;
  }

  async restoreImage(domid: number, source: ByteSource): Promise<void> {
    const qmp = await this.liveOf(domid).qmp;
    const checksum = await receiveImage(qmp, join(this.runOf(domid).dir, 'in.mig'), source);
    const d = this.must(domid);
    d.lastChecksum = checksum;
    this.save(d);
  }

  finishIncoming(domid: number, run: boolean): Promise<() => void> {
    return finishIncomingInParts(this, domid, run);
  }

  /** QEMU keeps guest RAM to itself: this is the checksum of the last image sent or received. */
  memoryChecksum(domid: number): string {
    return this.must(domid).lastChecksum ?? '';
  }

  dmesg(): string {
    return `(XEN) qemu backend: ${this.opts.binary} ${this.qemuVersion}, ${this.accel.accel} (${this.accel.reason})\n`;
  }

  clearDmesg(): string {
    return this.dmesg();
  }

  log(line: string): void {
    this.opts.log.info(line);
  }

  close(): void {
    for (const l of this.live.values()) {
      l.console?.destroy();
      void l.qmp.then((q) => q.close()).catch(() => {});
    }
    this.live.clear();
  }

  /** Connects QMP and the console; `fresh` guests were just spawned (sockets may take a moment). */
  private attach(d: QemuDomain, fresh: boolean | null): void {
    const run = this.runOf(d.domid);
    const qmp = retry(() => QmpClient.open(run.qmp), fresh ? 10_000 : 3000);
    const threads = qmp.then((q) => vcpuThreads(q, d.vcpus));
    const l: Live = { qmp, chain: qmp, paused: true, console: null, destroying: false, cpu: { at: Date.now(), ticks: 0, busy: false }, threads };
    this.live.set(d.domid, l);
    // Not knowing them is the failure of whatever places the vCPUs (and a QMP that never answered, attach's).
    threads.then((tids) => (l.tids = tids), () => undefined);
    void qmp.then(
      async (q) => {
        const status = await q.execute<{ status: string }>('query-status');
        l.paused = status.status !== 'running';
        q.on('event', (name: string, data: { reason?: string }) => this.onEvent(d.domid, name, data));
        q.on('close', () => this.onQemuGone(d.domid));
        if (status.status === 'shutdown' && d.shutdownReason === null) this.shutDown(d.domid, 'poweroff');
        this.connectConsole(d.domid, run.console);
        if (wantsVnc(d.config)) await this.findVnc(d, l, q);
      },
      (err: Error) => {
        this.opts.log.error(`qemu backend: domain ${d.domid} (${d.name}): no QMP: ${err.message}`);
        this.onQemuGone(d.domid);
      },
    );
  }

  /** The VNC server's address as QEMU chose it (vncunused), and its password if the vfb has one. */
  private async findVnc(d: QemuDomain, l: Live, q: QmpClient): Promise<void> {
    const vfb = vfbOf(d.config);
    const password = vfb ? String(childValue(vfb, 'vncpasswd', '')) : '';
    if (password) await q.execute('set_password', { protocol: 'vnc', password });
    const info = await q.execute<{ enabled: boolean; host?: string; service?: string }>('query-vnc');
    if (info.enabled && info.service) l.vnc = `${info.host ?? '127.0.0.1'}:${info.service}`;
  }

  private connectConsole(domid: number, path: string): void {
    void retry(
      () =>
        new Promise<Socket>((resolve, reject) => {
          const s = connect(path);
          s.once('connect', () => resolve(s));
          s.once('error', reject);
        }),
      5000,
    ).then(
      (s) => {
        const l = this.live.get(domid);
        if (!l) return void s.destroy();
        l.console = s;
        s.setEncoding('latin1');
        s.on('data', (text: string) => this.opts.events.onConsoleOutput(domid, text));
        s.on('error', () => {});
      },
      () => this.opts.log.error(`qemu backend: domain ${domid}: console socket never answered`),
    );
  }

  private onEvent(domid: number, name: string, data: { reason?: string }): void {
    const l = this.live.get(domid);
    if (!l || l.destroying) return;
    if (name === 'STOP') l.paused = true;
    else if (name === 'RESUME') l.paused = false;
    else if (name === 'SHUTDOWN') {
      const r = data.reason ?? '';
      const reason: ShutdownReason = /reset/.test(r) ? 'reboot' : /panic/.test(r) ? 'crash' : 'poweroff';
      this.shutDown(domid, reason);
    } else if (name === 'GUEST_PANICKED') this.shutDown(domid, 'crash');
  }

  private shutDown(domid: number, reason: ShutdownReason): void {
    const d = this.domains.get(domid);
    if (!d || d.shutdownReason !== null) return;
    d.shutdownReason = reason;
    this.save(d);
    this.opts.events.onShutdown(domid, reason);
  }

  /** The QEMU process went away without xend asking: the guest crashed, as far as xend can tell. */
  private onQemuGone(domid: number): void {
    const l = this.live.get(domid);
    if (!l || l.destroying || !this.domains.has(domid)) return;
    this.opts.log.info(`qemu backend: QEMU of domain ${domid} exited`);
    this.shutDown(domid, 'crash');
  }

  /**
   * Runs a QMP command after every earlier one for this guest. Failures are
   * logged, so a caller may await the result or leave it.
   */
  private command(domid: number, cmd: string, args?: Record<string, unknown>): Promise<void> {
    const done = this.exclusive(domid, async (q) => void (await q.execute(cmd, args)));
    done.catch((err: Error) => this.opts.log.error(`qemu backend: domain ${domid}: ${cmd} failed: ${err.message}`));
    return done;
  }

  /** Runs `work` on the guest's QMP connection after every earlier command, its result (or failure) the caller's. */
  private exclusive<T>(domid: number, work: (q: QmpClient) => Promise<T>): Promise<T> {
    const l = this.liveOf(domid);
    // After the earlier command, whether it succeeded or not.
    const done = l.chain.catch(() => undefined).then(async () => work(await l.qmp));
    l.chain = done;
    return done;
  }

  /** Confines each vCPU thread of the guest to where its pinning meets its pool, after every earlier command for it. */
  private place(domid: number): Promise<void> {
    const l = this.liveOf(domid);
    return this.exclusive(domid, async () => {
      const tids = await l.threads;
      const d = this.domains.get(domid);
      if (!d) return;
      const pool = this.pools.cpusOf(d.cpuPool ?? 0);
      for (const [vcpu, tid] of tids.entries()) {
        const want = runnableCpus(d.affinity?.[vcpu], pool);
        // Only a change runs taskset: a host with no pools nor pins never needs it.
        if (threadPlacement(d.qemu.pid, tid)?.cpus.join(',') !== want.join(',')) await setThreadAffinity(tid, want);
      }
    });
  }

  /** Keeps the changed record `d`, then places its vCPUs; if they cannot be placed, the record it replaced stands again. */
  private async keepPlaced(d: QemuDomain): Promise<void> {
    const before = this.must(d.domid);
    this.save(d);
    try {
      await this.place(d.domid);
    } catch (err) {
      this.save(before);
      // Threads placed before the failure go back where they were, as far as they can.
      await this.place(d.domid).catch(() => undefined);
      throw err;
    }
  }

  /** The running guests among `domains`, placed anew. */
  private async placeAll(domains: QemuDomain[]): Promise<void> {
    const running = domains.filter((d) => d.shutdownReason === null && this.live.has(d.domid));
    await Promise.all(running.map((d) => this.place(d.domid)));
  }

  private inPool(id: number): QemuDomain[] {
    return [...this.domains.values()].filter((d) => (d.cpuPool ?? 0) === id);
  }

  private savePools(): void {
    this.poolStore.write('pools', this.poolRecord);
  }

  private liveOf(domid: number): Live {
    const l = this.live.get(domid);
    if (!l) throw new Error(`(3, 'No such process')`);
    return l;
  }

  private view(d: QemuDomain): HvDomain {
    const l = this.live.get(d.domid);
    const paused = l?.paused ?? true;
    const ticks = l ? cpuTicks(d.qemu.pid) : 0;
    let busy = false;
    if (l) {
      const now = Date.now();
      if (now - l.cpu.at > 200) {
        l.cpu.busy = ticks - l.cpu.ticks > ((now - l.cpu.at) / 1000) * TICKS_PER_SECOND * 0.05;
        l.cpu = { at: now, ticks, busy: l.cpu.busy };
      }
      busy = l.cpu.busy;
    }
    const view = viewOf(d, { onlineVcpus: d.vcpus, paused, busy, cpuTime: ticks / TICKS_PER_SECOND });
    if (l?.vnc) view.vncLocation = l.vnc;
    view.cpuPool = d.cpuPool ?? 0;
    return view;
  }

  /** Domain-0 is the host xend runs on. */
  private dom0(): HvDomain {
    const n = cpus().length;
    const self = cpuTicks(process.pid);
    return {
      domid: 0,
      name: 'Domain-0',
      uuid: '00000000-0000-0000-0000-000000000000',
      memoryMiB: Math.floor(totalmem() / 1048576),
      maxmemMiB: Math.floor(totalmem() / 1048576),
      vcpus: n,
      onlineVcpus: n,
      flags: { running: true, blocked: false, paused: false, shutdown: false, crashed: false, dying: false },
      shutdownReason: null,
      cpuTime: self / TICKS_PER_SECOND,
      startTime: this.bootTime,
      config: null,
      restartCount: 0,
      incomplete: false,
      shutdownHandled: false,
    };
  }

  private must(domid: number): QemuDomain {
    const d = this.domains.get(domid);
    if (!d) throw new Error(`(3, 'No such process')`);
    return d;
  }

  /** Durable first: a change whose record could not be written is not made. */
  private save(d: QemuDomain): void {
    this.store.write(String(d.domid), d);
    this.domains.set(d.domid, d);
  }

  private forget(domid: number): void {
    this.domains.delete(domid);
    this.live.delete(domid);
    this.store.remove(String(domid));
    rmSync(this.runOf(domid).dir, { recursive: true, force: true });
  }
}

/** `QEMU emulator version 7.2.22 (…)` → `7.2.22`; xend refuses to start without a QEMU. */
function qemuVersion(binary: string): string {
  let out: string;
  try {
    out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  } catch (err) {
    throw new Error(`xend-hypervisor qemu: cannot run ${binary}: ${(err as Error).message}`);
  }
  return /version (\S+)/.exec(out)?.[1] ?? 'unknown';
}

/** Whether `binary args` runs and exits 0 (a feature probe). */
function runs(binary: string, args: string[]): boolean {
  try {
    execFileSync(binary, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/** utime + stime of a process, in clock ticks. */
function cpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

async function retry<T>(attempt: () => Promise<T>, withinMs: number): Promise<T> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
