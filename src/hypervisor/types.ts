import type { TmemControl } from './tmem.js';
import { storedVmConfig, type VmConfig } from '../vm/config.js';
import type { ByteSink, ByteSource } from '../protocol/byte-stream.js';
import type { HostDevices } from './host-devices.js';

/** The six state flags of a Xen domain, in `xm list`'s order (r b p s c d). */
export interface DomainFlags {
  running: boolean;
  blocked: boolean;
  paused: boolean;
  shutdown: boolean;
  crashed: boolean;
  dying: boolean;
}

export type ShutdownReason = 'poweroff' | 'reboot' | 'suspend' | 'crash' | 'halt';
export const SHUTDOWN_REASONS: readonly ShutdownReason[] = ['poweroff', 'reboot', 'suspend', 'crash', 'halt'];

/** What `xm trigger` sends a domain (xc.domain_send_trigger): an NMI, a hard reset, an INIT IPI, the ACPI power button, an S3 resume. */
export type Trigger = 'nmi' | 'reset' | 'init' | 'power' | 's3resume';
export const TRIGGERS: readonly Trigger[] = ['nmi', 'reset', 'init', 'power', 's3resume'];

/** What xend may change in the record a backend keeps beside a domain. */
export interface RecordChanges {
  name?: string;
  config?: VmConfig;
  restartCount?: number;
  /** Only ever cleared: a restored or received domain became whole. */
  incomplete?: false;
  /** Only ever set: xend acted on this domain's shutdown (xend/shutdown_completed). */
  shutdownHandled?: true;
}

/** The part of a backend's stored domain that xend's record changes touch. */
export interface KeptRecord {
  name: string;
  /** xend's config of the domain; null for Domain-0, which xend did not build. */
  config: VmConfig | null;
  restartCount: number;
  incomplete?: boolean;
  shutdownHandled?: boolean;
}

/** What every backend keeps of a domain, on disk, beside whatever else it needs. */
export interface StoredDomain extends KeptRecord {
  domid: number;
  uuid: string;
  memoryMiB: number;
  maxmemMiB: number;
  vcpus: number;
  /** Epoch seconds at which the domain was built. */
  startTime: number;
  shutdownReason: ShutdownReason | null;
}

export function applyRecordChanges(r: KeptRecord, changes: RecordChanges): void {
  if (changes.name !== undefined) r.name = changes.name;
  if (changes.config !== undefined) r.config = changes.config;
  if (changes.restartCount !== undefined) r.restartCount = changes.restartCount;
  if (changes.incomplete === false) delete r.incomplete;
  if (changes.shutdownHandled) r.shutdownHandled = true;
}

/** A record as a backend's file kept it: one an earlier xend wrote holds its config as SXP. */
export function revivedRecord<T extends KeptRecord>(r: T): T {
  if (r.config !== null) r.config = storedVmConfig(r.config);
  return r;
}

/** The record every backend keeps of a domain it has just built from `spec`. */
export function storedDomain(domid: number, spec: DomainSpec): StoredDomain & { config: VmConfig } {
  return {
    domid,
    name: spec.name,
    uuid: spec.uuid,
    memoryMiB: spec.memoryMiB,
    maxmemMiB: spec.maxmemMiB,
    vcpus: spec.vcpus,
    startTime: Date.now() / 1000,
    config: spec.config,
    restartCount: spec.restartCount,
    shutdownReason: null,
    ...(spec.incomplete && { incomplete: true }),
  };
}

/** What a backend measures of a running domain, beside what it stored. */
export interface LiveState {
  onlineVcpus: number;
  paused: boolean;
  /** Using its CPU (running) rather than waiting (blocked). */
  busy: boolean;
  cpuTime: number;
}

/** xend's view of a domain: its stored record, its state flags, what the backend measured. */
export function viewOf(d: StoredDomain, live: LiveState): HvDomain {
  return {
    domid: d.domid,
    name: d.name,
    uuid: d.uuid,
    memoryMiB: d.memoryMiB,
    maxmemMiB: d.maxmemMiB,
    vcpus: d.vcpus,
    onlineVcpus: live.onlineVcpus,
    flags: flagsOf(d, live),
    shutdownReason: d.shutdownReason,
    cpuTime: live.cpuTime,
    startTime: d.startTime,
    config: d.config,
    restartCount: d.restartCount,
    incomplete: d.incomplete === true,
    shutdownHandled: d.shutdownHandled === true,
  };
}

/** What Xen's domain flags say of `d`, from its record and what it is doing. */
export function flagsOf(d: StoredDomain, live: Pick<LiveState, 'paused' | 'busy'>): DomainFlags {
  const up = d.shutdownReason === null;
  return {
    running: up && !live.paused && live.busy,
    blocked: up && !live.paused && !live.busy,
    paused: up && live.paused,
    shutdown: d.shutdownReason !== null && d.shutdownReason !== 'crash',
    crashed: d.shutdownReason === 'crash',
    dying: false,
  };
}

/** A device as xend hands it to a backend: its class (vbd, tap, tap2, vif, …), number, and settings (uname, dev, mode, mac, bridge, …). */
export interface HvDevice {
  deviceClass: string;
  devid: number;
  settings: Readonly<Record<string, string>>;
}

/** What xend asks the hypervisor to build: the domain is created paused. */
export interface DomainSpec {
  name: string;
  uuid: string;
  memoryMiB: number;
  maxmemMiB: number;
  vcpus: number;
  /** xend's record of the domain, kept beside it like xenstore's /vm/<uuid>. */
  config: VmConfig;
  restartCount: number;
  /** Being filled by a restore or an incoming migration: not yet a whole domain. */
  incomplete?: boolean;
}

export interface VcpuInfo {
  number: number;
  online: boolean;
  blocked: boolean;
  running: boolean;
  cpuTime: number;
  cpu: number;
  cpumap: number[];
}

/** A domain as xend sees it: what the backend keeps, plus its live state. */
export interface HvDomain extends StoredDomain {
  onlineVcpus: number;
  flags: DomainFlags;
  /** Seconds of CPU time consumed, all VCPUs together. */
  cpuTime: number;
  incomplete: boolean;
  /** Preserved after its shutdown was acted on (rename-restart): a restart of xend leaves it alone. */
  shutdownHandled: boolean;
  /** Credit scheduler weight and cap as the hypervisor has them; absent if the backend keeps none (xend's config then says). */
  cpuWeight?: number;
  cpuCap?: number;
  /** The CPU pool the domain runs in (xc.domain_getinfo's cpupool); absent where the backend has no pools (all in pool 0). */
  cpuPool?: number;
  /** Where the guest's VNC server listens, `host:port` (xend's vfb location); absent without one. */
  vncLocation?: string;
}

/** The schedulers a CPU pool can run (xend's XEN_SCHEDULER_TO_ID). */
export const SCHEDULERS = ['credit2', 'credit', 'sedf'] as const;
export type Scheduler = (typeof SCHEDULERS)[number];

/** What xend keeps beside an active pool, as it did in xenstore's /local/pool/<id>/: it outlives xend. */
export interface PoolLabel {
  uuid: string;
  name: string;
  description: string;
  otherConfig: Record<string, string>;
}

/** A CPU pool as the hypervisor has it (xc.cpupool_getinfo), with xend's label once xend wrote one. */
export interface HvCpuPool {
  id: number;
  sched: Scheduler;
  cpus: number[];
  label?: PoolLabel;
}

/** The simple EDF scheduler's parameters of a domain (xc.sedf_domain_get): times in ns. */
export interface SedfParams {
  period: number;
  slice: number;
  latency: number;
  extratime: number;
  weight: number;
}

/** `xend.node.info` fields the backend knows; xend adds its own. */
export interface HostInfo {
  host: string;
  release: string;
  version: string;
  machine: string;
  nr_cpus: number;
  nr_nodes: number;
  cores_per_socket: number;
  threads_per_core: number;
  cpu_mhz: number;
  hw_caps: string;
  virt_caps: string;
  total_memory: number;
  free_memory: number;
  free_cpus: number;
  xen_major: number;
  xen_minor: number;
  xen_extra: string;
  xen_caps: string;
  xen_scheduler: string;
  xen_pagesize: number;
  platform_params: string;
  xen_changeset: string;
  xen_commandline: string;
  cc_compiler: string;
  cc_compile_by: string;
  cc_compile_domain: string;
  cc_compile_date: string;
  /** Seconds since the host booted (for dom0's uptime). */
  uptime: number;
}

/** What a memory image transfer did: rounds, pages and bytes moved, the guest's downtime. */
export interface ImageStats {
  rounds: number;
  pages: number;
  bytes: number;
  downtimeMs: number;
  /** SHA-256 identifying the memory sent. */
  checksum: string;
}

export interface ImageProgress {
  round: number;
  pagesSent: number;
  bytesSent: number;
  /** Pages still to send in this round. */
  dirtyPages: number;
  /** Pages of this round, when the backend knows (the first round's are all of memory). */
  roundPages?: number;
  elapsedMs: number;
}

export interface PauseOptions {
  /**
   * The pause of a save or migration for its last copy: the caller's journal undoes
   * it after a crash (daemon/checkpoint.ts), so a backend that keeps records need not
   * write this one (in a live migration, that write would lengthen the guest's downtime).
   */
  transient?: boolean;
}

export interface SaveImageOptions {
  /** Copy while the guest runs (rounds), suspending it only for the last pages. */
  live: boolean;
  /** Called once, when the guest must stop (xc_save's "suspend"). */
  suspend(): Promise<void>;
  progress?(p: ImageProgress): void;
  signal?: AbortSignal;
}

/** Where a live migration a backend's tool carries goes (Hypervisor.sendLive). */
export interface LiveTarget {
  host: string;
  /** The destination's relocation server. */
  port: number;
  /** xend's record of the domain, as the guest state stream begins with it. */
  header: Buffer;
}

export interface LiveSendOptions {
  signal?: AbortSignal;
  progress?(p: ImageProgress): void;
  /** The destination has the whole domain: from here on it is the destination's to start, and a cancel no longer stops it. */
  acknowledged?(): void;
}

/** Where a backend reports what an administrator should read in xend.log. */
export interface HostLog {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

export interface HypervisorEvents {
  /** The guest finished shutting down (its `shutdown` flag is now set). */
  onShutdown(domid: number, reason: ShutdownReason): void;
  /** The guest wrote to its console (its PV console, hvc0). */
  onConsoleOutput(domid: number, text: string): void;
}

/** Each VCPU's pinning: the physical CPUs it may run on, null (or no element) for any. */
export type VcpuPinning = readonly (readonly number[] | null)[];

/**
 * The only way xend touches a hypervisor. Backends keep their own durable state:
 * like a real hypervisor, guests outlive the xend process that created them.
 */
export interface Hypervisor {
  readonly name: string;
  hostInfo(): HostInfo;
  list(): HvDomain[];
  get(domid: number): HvDomain | undefined;
  /**
   * Builds a paused domain; throws (or rejects) if the host lacks memory for it. A backend
   * whose tool takes long to build one (xen: `xl create`) answers with a promise, so that
   * xend serves other requests meanwhile.
   */
  create(spec: DomainSpec): HvDomain | Promise<HvDomain>;
  destroy(domid: number): void;
  /** A backend that must hear back from its hypervisor returns a promise of that answer (rejected with why not, in bounded time). */
  pause(domid: number, opts?: PauseOptions): void | Promise<void>;
  unpause(domid: number): void | Promise<void>;
  /** Asks the guest to shut down; it completes asynchronously (HypervisorEvents.onShutdown). A promise, as for pause, is of the request's answer. */
  shutdown(domid: number, reason: ShutdownReason): void | Promise<void>;
  setMemory(domid: number, mib: number): void | Promise<void>;
  setVcpus(domid: number, count: number): void | Promise<void>;
  // The calls below came with xm's remaining commands (mem-max, vcpu-pin, sched-credit,
  // sysrq, trigger, dump-core). A backend without one makes xend refuse that command.
  /** The most memory the domain may be given (xc.domain_setmaxmem); never below its current memory. */
  setMaxMemory?(domid: number, mib: number): void;
  /**
   * Pins one VCPU to physical CPUs (xc.vcpu_setaffinity). `cpus` is what was asked;
   * the backend keeps the CPUs that exist and throws if none does. A promise, as for
   * pause, from a backend that places the VCPU through a tool (qemu: taskset).
   */
  setVcpuAffinity?(domid: number, vcpu: number, cpus: readonly number[]): void | Promise<void>;
  /** Credit scheduler parameters (xc.sched_credit_domain_set): weight 1–65535, cap in % of one CPU (0 = none). A promise, as for pause. */
  setSchedCredit?(domid: number, weight: number, cap: number): void | Promise<void>;
  /** A magic SysRq key delivered to the guest kernel (xenstore control/sysrq). */
  sendSysrq?(domid: number, key: string): void;
  /** A virtual hardware event for one VCPU; `power` and `reset` end in HypervisorEvents.onShutdown. */
  sendTrigger?(domid: number, trigger: Trigger, vcpu: number): void;
  /** Writes the domain's memory as an ELF core file at `path` (xc.domain_dumpcore); works on a crashed domain too. */
  dumpCore?(domid: number, path: string): Promise<void>;
  /** Keys typed at Xen's console (xc.send_debug_keys); what they print lands in dmesg. */
  sendDebugKeys?(keys: string): void;
  /** Xen's tmem control operations, where the backend has tmem. */
  readonly tmem?: TmemControl;
  // CPU pools (xc.cpupool_*): pool 0 holds every CPU at boot; a backend without them has only that one.
  // A backend whose tool takes its time (xen: xl cpupool-*) answers the changes with a promise,
  // settled once cpuPools() shows the change.
  cpuPools?(): HvCpuPool[];
  /** A new, empty pool running `sched`; returns its id. */
  createCpuPool?(sched: Scheduler, label: PoolLabel): number | Promise<number>;
  setPoolLabel?(id: number, label: PoolLabel): void;
  /** Only an empty pool (no CPUs, no domains) can go. */
  destroyCpuPool?(id: number): void | Promise<void>;
  /**
   * A free CPU joins the pool; one leaving breaks the pinning of VCPUs left with no CPU of theirs.
   * These and moveToCpuPool answer with a promise where the domains' VCPUs are then placed anew
   * through a tool (qemu) or the change itself is made by one (xen).
   */
  cpuPoolAddCpu?(id: number, cpu: number): void | Promise<void>;
  cpuPoolRemoveCpu?(id: number, cpu: number): void | Promise<void>;
  /** The domain runs in the pool from now on, its VCPUs unpinned and its scheduler parameters the pool scheduler's defaults. */
  moveToCpuPool?(domid: number, id: number): void | Promise<void>;
  /** Credit2 weight (xc.sched_credit2_domain_set) and the SEDF parameters; only for a domain in a pool of that scheduler. */
  setSchedCredit2?(domid: number, weight: number): void;
  getSedf?(domid: number): SedfParams;
  setSedf?(domid: number, params: SedfParams): void;
  /** The host's devices a guest may be given (pass-through); which guest holds which is xend's record. */
  hostDevices?(): HostDevices;
  /**
   * An HVM guest's device model adding or removing an emulated USB host device
   * (qemu-dm's usb-add/usb-del, by the device's bus id); throws if it has it already, or has it not.
   */
  deviceModelUsb?(domid: number, change: 'add' | 'del', busid: string): void;
  /** The host USB devices the guest's device model holds, by bus id. */
  deviceModelUsbDevices?(domid: number): string[];
  /**
   * Plugs a device into a running domain (xend's DevController.createDevice and
   * the hotplug scripts); throws, in xend's words, when it cannot. xend keeps
   * the device in the domain's config, so a backend needs no record of its own.
   */
  attachDevice?(domid: number, device: HvDevice): void | Promise<void>;
  /** Unplugs it (DevController.destroyDevice); `force` does not wait for the guest to let go. */
  detachDevice?(domid: number, device: HvDevice, force: boolean): void | Promise<void>;
  /**
   * A plugged-in device's new settings (device_configure): `before` becomes
   * `after` (a CD-ROM's disc inserted, changed or ejected; null for a device
   * added or removed by it, as pci's functions are).
   */
  configureDevice?(domid: number, before: HvDevice | null, after: HvDevice | null): void | Promise<void>;
  updateRecord(domid: number, changes: RecordChanges): void;
  vcpuInfo(domid: number): VcpuInfo[];
  /**
   * Optional: each VCPU's pinning as vcpuInfo shows it, without the rest: the physical
   * CPUs it may run on when fewer than the host's, null (or no element) when any. Every
   * listing asks it of every domain; a backend without it is asked vcpuInfo and hostInfo.
   * Not to be changed by the caller.
   */
  vcpuPinning?(domid: number): VcpuPinning;
  /** Bytes typed at the domain's console. */
  consoleInput(domid: number, data: Buffer): void;
  /** Writes the domain's memory image (xc_save). */
  saveImage(domid: number, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats>;
  /** Fills a freshly created, paused domain from an image (xc_restore); finishIncoming makes it whole. */
  restoreImage(domid: number, source: ByteSource): Promise<void>;
  /**
   * A domain filled from a stream (restoreImage, receiveLive) is whole: its record's
   * `incomplete` goes and, when `run`, it is unpaused, kept in one durable write where
   * the backend keeps records (an incoming migration's downtime lasts until then).
   * Returns what the backend still has to keep of it (the sim: the RAM it received),
   * for the caller to run once the guest's downtime is over.
   */
  finishIncoming(domid: number, run: boolean): (() => void) | Promise<() => void>;
  memoryChecksum(domid: number): string;
  /** Whether saveImage can copy a running guest (`xm migrate --live`); a backend that cannot, and has no sendLive, is refused such a migration before it starts. */
  readonly migratesLive: boolean;
  /** Image types it builds beyond xend 4.4's linux and hvm (xen: pvh). */
  readonly imageTypes?: readonly string[];
  /**
   * A live migration its own tool carries (xen: `xl migrate` through a relay to
   * the destination's relocation server, `header` xend's record of the domain
   * for it): resolves once the domain runs there and is gone here; on failure
   * the domain runs on here.
   */
  sendLive?(domid: number, to: LiveTarget, opts: LiveSendOptions): Promise<ImageStats>;
  /** The receiving end: fills a placeholder (a domain created incomplete) from what the tool sends on the connection. */
  receiveLive?(domid: number, source: ByteSource, sink: ByteSink): Promise<void>;
  /**
   * Before receiveLive: a domain of this uuid the host already shows (its source, when
   * another xend on this very host sends it) is not listed meanwhile; returns the release.
   */
  expectLive?(uuid: string): () => void;
  /** The hypervisor's message buffer; a promise from a backend that must ask its tool. */
  dmesg(): string | Promise<string>;
  clearDmesg(): string | Promise<string>;
  log(line: string): void;
  close(): void;
}

/** finishIncoming of a backend whose hypervisor keeps the paused state: the record, then the unpause; nothing kept later. */
export async function finishIncomingInParts(hv: Pick<Hypervisor, 'get' | 'updateRecord' | 'unpause'>, domid: number, run: boolean): Promise<() => void> {
  hv.updateRecord(domid, { incomplete: false });
  // Built, it may answer to another id (xen: Xen's own for xend's placeholder).
  if (run) await hv.unpause(hv.get(domid)?.domid ?? domid);
  return () => {};
}
