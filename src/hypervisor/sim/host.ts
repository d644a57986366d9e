import { hostname, release, version } from 'node:os';
import { join } from 'node:path';
import { existsSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { DurableDir } from '../../store/durable.js';
import { MessageRing } from './ring.js';
import { SimTmem, type SimTmemClient } from './tmem.js';
import { debugKeyLines } from './debug-keys.js';
import { SimGuest } from './guest.js';
import { GuestMemory } from './memory.js';
import { readImage, writeImage } from './image.js';
import { PAGE_SIZE } from './memory.js';
import { SEDF_DEFAULTS, adjustSedf } from './pools.js';
import { CpuPools, EINVAL, keepPins, pinVcpu, runnableCpus, unpinnedDrafts, type Pins, type PoolsRecord } from '../cpu-pools.js';
import { checkHotplug } from './devices.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import type { HostDevices } from '../host-devices.js';
import type {
  DomainSpec,
  HostInfo,
  HostLog,
  HvCpuPool,
  HvDevice,
  HvDomain,
  Hypervisor,
  HypervisorEvents,
  ImageStats,
  PauseOptions,
  PoolLabel,
  RecordChanges,
  Scheduler,
  SedfParams,
  StoredDomain,
  SaveImageOptions,
  ShutdownReason,
  Trigger,
  VcpuInfo,
  VcpuPinning,
} from '../types.js';
import { applyRecordChanges, flagsOf, revivedRecord, storedDomain, viewOf } from '../types.js';

export interface SimHostOptions {
  stateDir: string;
  cpus: number;
  memoryMiB: number;
  dom0MemoryMiB: number;
  /** 0 = all host CPUs, as xend's dom0-cpus. */
  dom0Cpus: number;
  /** Running time a guest takes to act on a shutdown request. */
  shutdownDelayMs: number;
  /** sim-host-devices: what pass-through may give a guest (none when absent). */
  devices?: HostDevices;
  events: HypervisorEvents;
  log: HostLog;
}

/** What survives on "the hardware" for each domain. */
interface SimDomain extends StoredDomain {
  onlineVcpus: number;
  paused: boolean;
  /** CPU seconds accrued up to runningSince. */
  cpuTimeBase: number;
  /** Epoch ms since which the domain has been running; null when it is not. */
  runningSince: number | null;
  /** Physical CPUs each VCPU may run on (vcpu-pin); absent = every CPU. */
  affinity?: Pins;
  /** Credit scheduler parameters; absent = 256 and no cap. */
  cpuWeight?: number;
  cpuCap?: number;
  tmem?: SimTmemClient;
  /** The CPU pool it runs in; absent = pool 0. */
  cpuPool?: number;
  /** SEDF parameters; absent = sched_sedf's defaults. */
  sedf?: SedfParams;
  /** Host USB devices its device model holds (usb-add), by bus id. */
  usbHost?: string[];
  /** A shutdown the guest has been asked for and is still carrying out. */
  pending: { reason: ShutdownReason; dueAt: number | null; remainingMs: number } | null;
}

interface SimHostRecord extends PoolsRecord {
  bootTime: number;
  nextDomid: number;
  ring: string;
}

const DOMID_FIRST_RESERVED = 0x7ff0;
/** How long the ring's new lines wait to be kept with the host record (see log()). */
const RING_KEEP_MS = 200;
/** No VCPU pinned. */
const NO_PINS: VcpuPinning = Object.freeze([]);
/** Share of each VCPU a simulated domain keeps busy, for believable CPU times. */
const DOM0_LOAD = 0.05;
const GUEST_LOAD = 0.01;
const DOM0_UUID = '00000000-0000-0000-0000-000000000000';
/** The scheduler Xen boots with (sched=), pool 0's. */
const SIM_SCHEDULER: Scheduler = 'credit';

/**
 * The embedded default backend: a host with CPUs, memory, Domain-0 and guests
 * whose state is kept on disk, so guests outlive xend as they would on Xen.
 */
export class SimHost implements Hypervisor {
  readonly name = 'sim';
  readonly migratesLive = true;
  private readonly store: DurableDir<SimDomain>;
  private readonly hostStore: DurableDir<SimHostRecord>;
  private readonly host: SimHostRecord;
  private readonly ring: MessageRing;
  private readonly domains = new Map<number, SimDomain>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  private readonly guests = new Map<number, SimGuest>();
  private readonly memories = new Map<number, GuestMemory>();
  private readonly memoryDir: string;
  readonly tmem = new SimTmem({
    domains: () => [...this.domains.values()],
    save: (domid, client) => this.save(Object.assign(this.must(domid), { tmem: client })),
    log: (line) => this.log(line),
  });
  private readonly pools: CpuPools;
  /** Every CPU of the host: the pinning of a VCPU nobody pinned (copied, not frozen: a frozen array copies ~8× slower). */
  private readonly allCpus: readonly number[];
  /** The host record's write that log() scheduled, until it runs. */
  private hostWrite: NodeJS.Timeout | null = null;

  constructor(private readonly opts: SimHostOptions) {
    const dir = join(opts.stateDir, 'sim');
    this.memoryDir = join(dir, 'memory');
    this.store = new DurableDir(join(dir, 'domains'), 'xend');
    this.hostStore = new DurableDir(dir);
    const existing = this.hostStore.read('host');
    this.host = existing ?? { bootTime: Date.now() / 1000, nextDomid: 1, ring: '' };
    this.ring = new MessageRing(this.host.ring);
    this.pools = new CpuPools(this.host, opts.cpus, SIM_SCHEDULER);
    this.allCpus = Array.from({ length: opts.cpus }, (_, c) => c);
    for (const d of this.store.readAll((m) => opts.log.error(`domain ${m}`), revivedDomain)) this.domains.set(d.domid, d);
    if (!existing) this.boot();
    for (const d of this.domains.values()) {
      if (d.domid === 0) continue;
      // Guests kept running while xend was away: they are at their prompt.
      const guest = this.guestOf(d);
      if (d.shutdownReason === null) guest.resume();
      // Its RAM is read when first needed (memoryOf): adopting thousands reads none.
      if (d.shutdownReason === null && !d.paused) guest.run();
      this.armShutdown(d);
    }
  }

  private memoryPath(domid: number): string {
    return join(this.memoryDir, `${domid}.pages`);
  }

  /**
   * The guest's RAM, loaded from its last saved state the first time it is needed; it
   * has its current memory of its maximum, and a running guest writes to it from then on.
   */
  private memoryOf(domid: number): GuestMemory {
    let mem = this.memories.get(domid);
    if (!mem) {
      const d = this.must(domid);
      mem = GuestMemory.load(this.memoryPath(domid), d.maxmemMiB);
      mem.balloon(d.memoryMiB);
      if (d.shutdownReason === null && !d.paused) mem.run();
      this.memories.set(domid, mem);
    }
    return mem;
  }

  private guestOf(d: SimDomain): SimGuest {
    let guest = this.guests.get(d.domid);
    if (!guest) {
      const domid = d.domid;
      guest = new SimGuest({
        name: d.name,
        vcpus: () => this.domains.get(domid)?.onlineVcpus ?? 1,
        memoryMiB: () => this.domains.get(domid)?.memoryMiB ?? 0,
        uptime: () => Date.now() / 1000 - (this.domains.get(domid)?.startTime ?? 0),
        output: (text) => this.opts.events.onConsoleOutput(domid, text),
        halt: (reason) => {
          const current = this.domains.get(domid);
          if (current && current.shutdownReason === null) this.completeShutdown(current, reason);
        },
      });
      this.guests.set(domid, guest);
    }
    return guest;
  }

  private boot(): void {
    this.log(`(XEN) Xen version 4.4.4 (sim@localdomain) (gcc version 12.2.0 (Debian 12.2.0-14)) simulated host`);
    this.log(`(XEN) Command line: dom0_mem=${this.opts.dom0MemoryMiB}M`);
    this.log(`(XEN) System RAM: ${this.opts.memoryMiB}MB`);
    this.log(`(XEN) Brought up ${this.opts.cpus} CPUs`);
    this.log(`(XEN) Scheduling granularity: cpu, 1 CPU per sched-resource`);
    const vcpus = this.opts.dom0Cpus > 0 ? Math.min(this.opts.dom0Cpus, this.opts.cpus) : this.opts.cpus;
    const now = Date.now();
    this.save({
      domid: 0,
      name: 'Domain-0',
      uuid: DOM0_UUID,
      memoryMiB: this.opts.dom0MemoryMiB,
      maxmemMiB: this.opts.dom0MemoryMiB,
      vcpus,
      onlineVcpus: vcpus,
      paused: false,
      shutdownReason: null,
      cpuTimeBase: 0,
      runningSince: now,
      startTime: now / 1000,
      config: null,
      restartCount: 0,
      pending: null,
    });
    this.log(`(XEN) *** LOADING DOMAIN 0 ***`);
    this.log(`(XEN) Dom0 has maximum ${vcpus} VCPUs`);
    this.saveHost();
  }

  hostInfo(): HostInfo {
    // A loop, not a copy of every domain: a create asks this more than once.
    let used = 0;
    for (const d of this.domains.values()) used += d.memoryMiB;
    return {
      host: hostname(),
      release: kernel().release,
      version: kernel().version,
      machine: 'x86_64',
      nr_cpus: this.opts.cpus,
      nr_nodes: 1,
      cores_per_socket: this.opts.cpus,
      threads_per_core: 1,
      cpu_mhz: 2400,
      hw_caps: '178bf3ff:d6d82203:2c100800:00000121:0000000f:009c07ab:00000000:00000100',
      virt_caps: 'hvm',
      total_memory: this.opts.memoryMiB,
      free_memory: Math.max(0, this.opts.memoryMiB - used),
      free_cpus: this.pools.free().length,
      xen_major: 4,
      xen_minor: 4,
      xen_extra: '.4',
      xen_caps: 'xen-3.0-x86_64 xen-3.0-x86_32p hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64',
      xen_scheduler: SIM_SCHEDULER,
      xen_pagesize: 4096,
      platform_params: 'virt_start=0xffff800000000000',
      xen_changeset: 'simulated host',
      xen_commandline: `dom0_mem=${this.opts.dom0MemoryMiB}M`,
      cc_compiler: 'gcc version 12.2.0 (Debian 12.2.0-14)',
      cc_compile_by: 'sim',
      cc_compile_domain: 'localdomain',
      cc_compile_date: 'Thu Jan 21 00:00:00 UTC 2016',
      uptime: Date.now() / 1000 - this.host.bootTime,
    };
  }

  list(): HvDomain[] {
    const now = Date.now();
    return [...this.domains.values()].sort((a, b) => a.domid - b.domid).map((d) => this.view(d, now));
  }

  get(domid: number): HvDomain | undefined {
    const d = this.domains.get(domid);
    return d && this.view(d);
  }

  create(spec: DomainSpec): HvDomain {
    const free = this.hostInfo().free_memory;
    if (spec.memoryMiB > free) {
      throw new Error(`out of memory: domain needs ${spec.memoryMiB} MiB, host has ${free} MiB free`);
    }
    const domid = this.allocateDomid();
    // Not `{ ...record, more }`: on Node 20's V8 every such object gets a map of its own (see view()).
    const d: SimDomain = Object.assign(storedDomain(domid, spec), { onlineVcpus: spec.vcpus, paused: true, cpuTimeBase: 0, runningSince: null, pending: null });
    this.save(d);
    this.guestOf(d);
    // The host record (the new nextDomid, the ring's line) follows this tick; after a crash before
    // it, allocateDomid still passes every domid a record holds.
    this.log(`(XEN) domain ${domid} created: ${spec.vcpus} VCPUs, ${spec.memoryMiB} MiB`);
    return this.view(d);
  }

  destroy(domid: number): void {
    const d = this.must(domid);
    this.disarm(domid);
    this.guests.get(domid)?.stop();
    this.guests.delete(domid);
    this.memories.delete(domid);
    GuestMemory.remove(this.memoryPath(domid));
    this.domains.delete(domid);
    this.store.remove(recordKey(d));
    this.log(`(XEN) domain ${d.domid} destroyed`);
  }

  pause(domid: number, opts: PauseOptions = {}): void {
    const d = this.must(domid);
    if (d.paused) return;
    this.stopClock(d);
    d.paused = true;
    this.guests.get(domid)?.pause();
    this.memories.get(domid)?.stop();
    if (d.pending?.dueAt != null) {
      d.pending.remainingMs = Math.max(0, d.pending.dueAt - Date.now());
      d.pending.dueAt = null;
      this.disarm(domid);
    }
    if (!opts.transient) this.save(d);
  }

  unpause(domid: number): void {
    const d = this.must(domid);
    if (!d.paused) return;
    this.markRunning(d);
    this.save(d);
    this.run(d);
  }

  /**
   * The received domain whole: its record, kept under `<domid>.incoming` since it was
   * built, takes its own key, one flush of the directory; it runs when `run`. What
   * changed since (running, its RAM) is written by what this returns, after the
   * downtime: a crash before that brings it back paused, with the RAM it was built with.
   */
  finishIncoming(domid: number, run: boolean): () => void {
    const d = this.draft(domid);
    if (d.incomplete) this.store.rename(recordKey(d), String(domid));
    applyRecordChanges(d, { incomplete: false });
    this.domains.set(domid, d);
    if (run) {
      this.markRunning(d);
      this.run(d);
    }
    return () => {
      const now = this.domains.get(domid);
      if (now?.uuid !== d.uuid) return;
      this.save(now);
      this.memories.get(domid)?.persist(this.memoryPath(domid));
    };
  }

  /** A paused domain's record as it runs from now (the clock, a pending shutdown's due time). */
  private markRunning(d: SimDomain): void {
    d.paused = false;
    this.startClock(d);
    if (d.pending) d.pending.dueAt = Date.now() + d.pending.remainingMs;
  }

  /** Its guest and RAM run, once markRunning's record is written. */
  private run(d: SimDomain): void {
    if (d.shutdownReason === null) {
      this.guests.get(d.domid)?.run();
      this.memoryOf(d.domid).run();
    }
    this.armShutdown(d);
  }

  shutdown(domid: number, reason: ShutdownReason): void {
    const d = this.must(domid);
    if (reason === 'crash') {
      this.completeShutdown(d, 'crash');
      return;
    }
    d.pending = { reason, dueAt: d.paused ? null : Date.now() + this.opts.shutdownDelayMs, remainingMs: this.opts.shutdownDelayMs };
    this.save(d);
    this.guests.get(domid)?.shutdownRequested(reason);
    this.armShutdown(d);
  }

  setMemory(domid: number, mib: number): void {
    const d = this.draft(domid);
    const free = this.hostInfo().free_memory;
    if (mib - d.memoryMiB > free) throw new Error(`out of memory: ${mib - d.memoryMiB} MiB more needed, ${free} MiB free`);
    d.memoryMiB = mib;
    if (mib > d.maxmemMiB && domid !== 0) {
      this.resizeMemory(d, mib);
      d.maxmemMiB = mib;
    }
    this.save(d);
    if (domid !== 0) this.memoryOf(domid).balloon(mib);
  }

  setVcpus(domid: number, count: number): void {
    const d = this.draft(domid);
    d.onlineVcpus = count;
    this.save(d);
  }

  setMaxMemory(domid: number, mib: number): void {
    const d = this.must(domid);
    if (mib < d.memoryMiB) throw new Error(`maximum ${mib} MiB is below the current ${d.memoryMiB} MiB`);
    if (domid !== 0 && mib !== d.maxmemMiB) this.resizeMemory(d, mib);
    d.maxmemMiB = mib;
    this.save(d);
  }

  setVcpuAffinity(domid: number, vcpu: number, cpus: readonly number[]): void {
    const d = this.draft(domid);
    const pins = pinVcpu(d.affinity, d.vcpus, vcpu, cpus, this.opts.cpus, this.pools.cpusOf(d.cpuPool ?? 0));
    keepPins(d, pins);
    this.save(d);
  }

  setSchedCredit(domid: number, weight: number, cap: number): void {
    const d = this.scheduledBy(domid, 'credit');
    d.cpuWeight = weight;
    d.cpuCap = cap;
    this.save(d);
  }

  hostDevices(): HostDevices {
    return this.opts.devices ?? { pci: [], scsi: [], usb: [] };
  }

  deviceModelUsb(domid: number, change: 'add' | 'del', busid: string): void {
    const d = this.must(domid);
    const held = d.usbHost ?? [];
    if (change === 'add' === held.includes(busid)) throw new Error(`USB device ${busid} ${change === 'add' ? 'is already' : 'is not'} in the device model`);
    d.usbHost = change === 'add' ? [...held, busid] : held.filter((b) => b !== busid);
    this.save(d);
    this.log(`(XEN) domain ${domid}: device model usb-${change} ${busid}`);
  }

  deviceModelUsbDevices(domid: number): string[] {
    return [...(this.must(domid).usbHost ?? [])];
  }

  sendSysrq(domid: number, key: string): void {
    const d = this.must(domid);
    if (d.shutdownReason !== null) return;
    this.log(`(XEN) domain ${domid}: sysrq '${key}'`);
    if (domid !== 0) this.guests.get(domid)?.sysrq(key);
  }

  sendTrigger(domid: number, trigger: Trigger, vcpu: number): void {
    const d = this.must(domid);
    if (!Number.isInteger(vcpu) || vcpu < 0 || vcpu >= d.onlineVcpus) throw new Error("(22, 'Invalid argument')");
    if (d.shutdownReason !== null) return;
    const guest = this.guests.get(domid);
    switch (trigger) {
      case 'nmi':
        guest?.nmi(vcpu);
        break;
      case 'power':
        // The ACPI power button: the guest shuts itself down, as for a request from xend.
        guest?.powerButton();
        this.shutdown(domid, 'poweroff');
        break;
      case 'reset':
        // A hard reset is a reboot the guest never hears about.
        this.completeShutdown(d, 'reboot');
        break;
      case 'init':
      case 's3resume':
        break;
    }
  }

  async dumpCore(domid: number, path: string): Promise<void> {
    const d = this.must(domid);
    const mem = domid === 0 ? null : this.memoryOf(domid);
    const pages = mem?.pages ?? 0;
    const note = elfNote('Xen', 0x2000001, [0xf00febedn, BigInt(d.vcpus), BigInt(pages), BigInt(PAGE_SIZE)]);
    const headers = 64 + 2 * 56;
    const dataOffset = Math.ceil((headers + note.length) / PAGE_SIZE) * PAGE_SIZE;
    const head = Buffer.alloc(headers);
    // ELF64 little-endian core file for x86-64, as xc_domain_dumpcore wrote it.
    head.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0], 0);
    head.writeUInt16LE(4, 16); // ET_CORE
    head.writeUInt16LE(62, 18); // EM_X86_64
    head.writeUInt32LE(1, 20);
    head.writeBigUInt64LE(64n, 32); // e_phoff
    head.writeUInt16LE(64, 52);
    head.writeUInt16LE(56, 54);
    head.writeUInt16LE(2, 56);
    const ph = (at: number, type: number, flags: number, offset: number, size: number, align: number) => {
      head.writeUInt32LE(type, at);
      head.writeUInt32LE(flags, at + 4);
      head.writeBigUInt64LE(BigInt(offset), at + 8);
      head.writeBigUInt64LE(BigInt(size), at + 32);
      head.writeBigUInt64LE(BigInt(size), at + 40);
      head.writeBigUInt64LE(BigInt(align), at + 48);
    };
    ph(64, 4, 4, headers, note.length, 4); // PT_NOTE
    ph(120, 1, 6, dataOffset, pages * PAGE_SIZE, PAGE_SIZE); // PT_LOAD
    const file = await open(path, 'w', 0o600);
    try {
      await file.write(head, 0, head.length, 0);
      await file.write(note, 0, note.length, headers);
      const batch = 256;
      const buf = Buffer.alloc(batch * PAGE_SIZE);
      for (let first = 0; first < pages; first += batch) {
        const n = Math.min(batch, pages - first);
        let used = false;
        for (let j = 0; j < n; j++) {
          mem!.writePage(first + j, buf, j * PAGE_SIZE);
          used ||= buf.readUInt32BE(j * PAGE_SIZE) !== 0;
        }
        // Pages never written stay holes: a sparse file, as large as the guest's memory.
        if (used) await file.write(buf, 0, n * PAGE_SIZE, dataOffset + first * PAGE_SIZE);
      }
      await file.truncate(dataOffset + pages * PAGE_SIZE);
      await file.sync();
    } finally {
      await file.close();
    }
    this.log(`(XEN) domain ${domid}: core dumped (${pages} pages)`);
  }

  cpuPools(): HvCpuPool[] {
    return this.pools.list();
  }

  createCpuPool(sched: Scheduler, label: PoolLabel): number {
    const id = this.pools.create(sched, label);
    this.log(`(XEN) Created cpupool ${id} with scheduler ${sched}`);
    return id;
  }

  setPoolLabel(id: number, label: PoolLabel): void {
    this.pools.setLabel(id, label);
    this.saveHost();
  }

  destroyCpuPool(id: number): void {
    this.pools.destroy(id, this.inPool(id).length);
    this.log(`(XEN) cpupool ${id} destroyed`);
  }

  cpuPoolAddCpu(id: number, cpu: number): void {
    this.pools.addCpu(id, cpu);
    this.log(`(XEN) cpupool ${id}: cpu ${cpu} added`);
  }

  cpuPoolRemoveCpu(id: number, cpu: number): void {
    const members = this.inPool(id);
    this.pools.removeCpu(id, cpu, members.length);
    for (const { draft, broken } of unpinnedDrafts(members, this.pools.cpusOf(id))) {
      this.save(draft);
      for (const vcpu of broken) this.ring.append(`(XEN) Breaking vcpu affinity for domain ${draft.domid} vcpu ${vcpu}`);
    }
    this.log(`(XEN) cpupool ${id}: cpu ${cpu} removed`);
  }

  moveToCpuPool(domid: number, id: number): void {
    const d = this.draft(domid);
    this.pools.requireRunnable(id);
    d.cpuPool = id;
    // sched_move_domain: every VCPU may run anywhere in the new pool, with its scheduler's defaults.
    delete d.affinity;
    delete d.cpuWeight;
    delete d.cpuCap;
    delete d.sedf;
    this.save(d);
    this.log(`(XEN) domain ${domid} moved to cpupool ${id}`);
  }

  setSchedCredit2(domid: number, weight: number): void {
    const d = this.scheduledBy(domid, 'credit2');
    d.cpuWeight = weight;
    this.save(d);
  }

  getSedf(domid: number): SedfParams {
    return { ...(this.scheduledBy(domid, 'sedf').sedf ?? SEDF_DEFAULTS) };
  }

  setSedf(domid: number, params: SedfParams): void {
    const d = this.scheduledBy(domid, 'sedf');
    d.sedf = adjustSedf(d.sedf ?? SEDF_DEFAULTS, params);
    this.save(d);
  }

  /** Plugs a device in: the config xend keeps is its record; what the hotplug scripts checked is checked here. */
  attachDevice(domid: number, device: HvDevice): void {
    this.requireUp(domid);
    checkHotplug(device);
  }

  detachDevice(domid: number): void {
    this.must(domid);
  }

  configureDevice(domid: number, _before: HvDevice | null, after: HvDevice | null): void {
    this.requireUp(domid);
    if (after) checkHotplug(after);
  }

  updateRecord(domid: number, changes: RecordChanges): void {
    const d = this.draft(domid);
    applyRecordChanges(d, changes);
    this.save(d);
  }

  /** The kept pinning itself, nothing built: every listing asks it of every domain. */
  vcpuPinning(domid: number): VcpuPinning {
    const pins = this.must(domid).affinity;
    if (!pins) return NO_PINS;
    // As vcpuInfo's cpumaps read: a pinning to every CPU of the host (a host with fewer since) is none.
    const anyCpu = (a: readonly number[] | null) => !a || a.length >= this.opts.cpus;
    return pins.some((a) => a && anyCpu(a)) ? pins.map((a) => (anyCpu(a) ? null : a)) : pins;
  }

  vcpuInfo(domid: number): VcpuInfo[] {
    const d = this.must(domid);
    // Not the whole view: every listing asks this of every domain.
    const flags = flagsOf(d, { paused: d.paused, busy: this.busy(d) });
    const cpuTime = this.cpuTime(d);
    const pool = this.pools.cpusOf(d.cpuPool ?? 0);
    const all = this.allCpus.slice();
    const out: VcpuInfo[] = [];
    for (let i = 0; i < d.vcpus; i++) {
      const online = i < d.onlineVcpus;
      const cpumap = d.affinity?.[i] ?? all;
      const usable = online ? runnableCpus(cpumap, pool) : [];
      out.push({
        number: i,
        online,
        blocked: online && flags.blocked,
        running: online && flags.running,
        cpuTime: online ? cpuTime / d.onlineVcpus : 0,
        cpu: usable.length ? usable[(d.domid + i) % usable.length]! : -1,
        cpumap,
      });
    }
    return out;
  }

  consoleInput(domid: number, data: Buffer): void {
    const d = this.must(domid);
    if (!d.paused && d.shutdownReason === null) this.guests.get(domid)?.input(data);
  }

  saveImage(domid: number, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
    return writeImage(this.memoryOf(domid), sink, opts);
  }

  /** The RAM is written to disk by finishIncoming's keeper: no part of an incoming migration's downtime. */
  restoreImage(domid: number, source: ByteSource): Promise<void> {
    return readImage(this.memoryOf(domid), source);
  }

  memoryChecksum(domid: number): string {
    return this.memoryOf(domid).checksum();
  }

  sendDebugKeys(keys: string): void {
    // One durable write for all of a key's lines (`q` prints several per domain).
    for (const line of debugKeyLines(keys, [...this.domains.values()].sort((a, b) => a.domid - b.domid))) this.ring.append(line);
    this.saveHost();
  }

  dmesg(): string {
    return this.ring.contents();
  }

  clearDmesg(): string {
    const text = this.ring.clear();
    this.saveHost();
    return text;
  }

  /**
   * A line of Xen's console ring. The host record that keeps the ring is written once
   * for every line of RING_KEEP_MS, after them: a create answers after one durable
   * write (its domain's record), not two, and a burst of creates (or a migration's
   * arrival) is not followed by a write each. A crash in between loses those lines,
   * as a reboot empties Xen's own ring; no domain is lost with them.
   */
  log(line: string): void {
    this.ring.append(line);
    this.hostWrite ??= setTimeout(() => {
      try {
        this.saveHost();
      } catch (err) {
        this.opts.log.error(`the console ring was not kept: ${(err as Error).message}`);
      }
    }, RING_KEEP_MS).unref();
  }

  close(): void {
    if (this.hostWrite) this.saveHost();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    for (const g of this.guests.values()) g.stop();
    // RAM outlives xend like the guests do.
    for (const [domid, mem] of this.memories) if (this.domains.has(domid)) mem.persist(this.memoryPath(domid));
  }

  /** Domain-0 runs xend itself; a guest here waits on its console between commands. */
  private busy(d: SimDomain): boolean {
    return d.domid === 0;
  }

  private view(d: SimDomain, now = Date.now()): HvDomain {
    const v = viewOf(d, { onlineVcpus: d.onlineVcpus, paused: d.paused, busy: this.busy(d), cpuTime: this.cpuTime(d, now) });
    // Assigned, not spread: Node 20's V8 gives each `{ ...v, more }` a hidden class of its own once
    // the spread is optimised (~15 µs each, and every later read of a view megamorphic); that made
    // `domains_with_state` cost twice the CPU (issue 20).
    v.cpuWeight = d.cpuWeight ?? 256;
    v.cpuCap = d.cpuCap ?? 0;
    v.cpuPool = d.cpuPool ?? 0;
    return v;
  }

  /** A new maximum resizes the guest's RAM; the pages it keeps keep their contents. */
  private resizeMemory(d: SimDomain, mib: number): void {
    const path = this.memoryPath(d.domid);
    const loaded = this.memories.get(d.domid);
    // Not whether its RAM is loaded: a guest adopted at start reads it only when needed.
    const running = d.runningSince !== null && d.shutdownReason === null;
    loaded?.stop();
    loaded?.persist(path);
    const old = new Uint8Array(existsSync(path) ? readFileSync(path) : Buffer.alloc(0));
    const versions = new Uint32Array((mib * 1024 * 1024) / PAGE_SIZE);
    versions.set(new Uint32Array(old.buffer, 0, Math.min(Math.floor(old.byteLength / 4), versions.length)));
    const mem = new GuestMemory(mib, versions);
    mem.balloon(Math.min(d.memoryMiB, mib));
    mem.persist(path);
    this.memories.set(d.domid, mem);
    if (running) mem.run();
  }

  private cpuTime(d: SimDomain, now = Date.now()): number {
    if (d.runningSince === null) return d.cpuTimeBase;
    const load = d.domid === 0 ? DOM0_LOAD : GUEST_LOAD;
    return d.cpuTimeBase + ((now - d.runningSince) / 1000) * load * d.onlineVcpus;
  }

  private startClock(d: SimDomain): void {
    d.runningSince = Date.now();
  }

  private stopClock(d: SimDomain): void {
    d.cpuTimeBase = this.cpuTime(d);
    d.runningSince = null;
  }

  private armShutdown(d: SimDomain): void {
    if (!d.pending || d.pending.dueAt === null) return;
    this.disarm(d.domid);
    const delay = Math.max(0, d.pending.dueAt - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(d.domid);
      const current = this.domains.get(d.domid);
      if (current?.pending) this.completeShutdown(current, current.pending.reason);
    }, delay);
    timer.unref();
    this.timers.set(d.domid, timer);
  }

  private disarm(domid: number): void {
    const t = this.timers.get(domid);
    if (t) clearTimeout(t);
    this.timers.delete(domid);
  }

  private completeShutdown(d: SimDomain, reason: ShutdownReason): void {
    this.disarm(d.domid);
    this.guests.get(d.domid)?.stop();
    this.memories.get(d.domid)?.stop();
    this.stopClock(d);
    d.pending = null;
    d.shutdownReason = reason;
    this.save(d);
    this.log(`(XEN) domain ${d.domid} shut down: reason ${reason}`);
    this.opts.events.onShutdown(d.domid, reason);
  }

  private allocateDomid(): number {
    let id = this.host.nextDomid;
    while (this.domains.has(id)) id = id + 1 >= DOMID_FIRST_RESERVED ? 1 : id + 1;
    this.host.nextDomid = id + 1 >= DOMID_FIRST_RESERVED ? 1 : id + 1;
    return id;
  }

  private inPool(id: number): SimDomain[] {
    return [...this.domains.values()].filter((d) => (d.cpuPool ?? 0) === id);
  }

  /** A draft of a domain whose pool runs `sched`: Xen refuses another scheduler's parameters. */
  private scheduledBy(domid: number, sched: Scheduler): SimDomain {
    const d = this.draft(domid);
    if (this.pools.schedulerOf(d.cpuPool ?? 0) !== sched) throw new Error(EINVAL);
    return d;
  }

  private requireUp(domid: number): void {
    if (this.must(domid).shutdownReason !== null) throw new Error(`Domain ${domid} is not running`);
  }

  private must(domid: number): SimDomain {
    const d = this.domains.get(domid);
    if (!d) throw new Error(`(3, 'No such process')`);
    return d;
  }

  /** A copy of the record to change: `save` keeps it only once it is written, so a failed write changes nothing. */
  private draft(domid: number): SimDomain {
    return { ...this.must(domid) };
  }

  /** Durable first: a domain whose record could not be written never appears. */
  private save(d: SimDomain): void {
    // An arriving domain's record says so by its key, not its contents (see finishIncoming).
    this.store.write(recordKey(d), d.incomplete ? { ...d, incomplete: undefined } : d);
    this.domains.set(d.domid, d);
  }

  private saveHost(): void {
    if (this.hostWrite) clearTimeout(this.hostWrite);
    this.hostWrite = null;
    this.host.ring = this.ring.contents();
    this.hostStore.write('host', this.host);
  }
}

/** Of a domain still arriving (restored or received): a record key of its own, renamed to the domid's once it is whole. */
const INCOMING = '.incoming';

function recordKey(d: SimDomain): string {
  return d.incomplete ? `${d.domid}${INCOMING}` : String(d.domid);
}

/** A record as read: one kept under its arriving key is incomplete. */
function revivedDomain(d: SimDomain, key: string): SimDomain {
  if (key.endsWith(INCOMING)) d.incomplete = true;
  return revivedRecord(d);
}

/** The running kernel's release and version: asked once, since only a reboot changes them (each ask is a uname). */
let running: { release: string; version: string } | undefined;
function kernel(): { release: string; version: string } {
  return (running ??= { release: release(), version: version() });
}

/** One ELF note: name, type and a descriptor of 64-bit words, each padded to 4 bytes. */
function elfNote(name: string, type: number, words: bigint[]): Buffer {
  const nameBytes = Buffer.from(`${name}\0`, 'latin1');
  const namePad = Math.ceil(nameBytes.length / 4) * 4;
  const out = Buffer.alloc(12 + namePad + words.length * 8);
  out.writeUInt32LE(nameBytes.length, 0);
  out.writeUInt32LE(words.length * 8, 4);
  out.writeUInt32LE(type, 8);
  nameBytes.copy(out, 12);
  words.forEach((w, i) => out.writeBigUInt64LE(w, 12 + namePad + i * 8));
  return out;
}
