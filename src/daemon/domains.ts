import { randomUUID } from 'node:crypto';
import { XendError, XendInvalidDomain } from '../protocol/faults.js';
import { DOMAIN_NAME_RE, POWER_STATES } from '../protocol/domain.js';
import { SHUTDOWN_REASONS, type HvDomain, type Hypervisor, type ShutdownReason } from '../hypervisor/types.js';
import { freeMemory, type BalloonPolicy } from './balloon.js';
import { parseVmConfig, vmConfigSxp, type VmConfig } from './vm-config.js';
import { domainSxp, powerState } from './domain-sxp.js';
import { asctime, type Logger } from './log.js';
import type { Sxp } from '../sxp/types.js';

/** Restarts closer together than this count towards a restart loop. */
const RESTART_WINDOW_S = 60;
const MAX_RESTARTS_IN_WINDOW = 3;

/**
 * The domain registry: lookup by name, id or uuid, validation, and lifecycle
 * actions. Every server (XML-RPC, HTTP, relocation) calls this and nothing else.
 * All operations are synchronous against the backend, so requests for one domain
 * never interleave.
 */
export class DomainService {
  private readonly recentRestarts = new Map<string, number[]>();

  constructor(
    private readonly hv: Hypervisor,
    private readonly balloon: BalloonPolicy,
    private readonly log: Logger,
    /** Told when a domain is gone for good (destroyed, not restarted). */
    private readonly onGone: (uuid: string) => void = () => {},
  ) {}

  /** On xend start: adopt the domains the hypervisor kept, and finish what happened meanwhile. */
  recover(): void {
    for (const d of this.hv.list()) {
      if (d.domid === 0) continue;
      if (d.incomplete) {
        // xend died while this domain was being restored or received: it never was whole.
        this.log.warning(`Destroying domain ${d.domid} (${d.name}), left half-restored`);
        this.hv.destroy(d.domid);
        continue;
      }
      this.log.info(`Recreating domain ${d.domid}, UUID ${d.uuid}. at ${asctime()}`);
      if (d.flags.shutdown || d.flags.crashed) this.onShutdown(d.domid, d.shutdownReason ?? 'poweroff');
    }
  }

  /** xend.domain: name (running first), then domid, then uuid. */
  lookup(dom: string | number): HvDomain {
    const key = String(dom);
    const all = this.hv.list();
    const found =
      all.find((d) => d.name === key) ??
      (/^\s*\d+\s*$/.test(key) ? all.find((d) => d.domid === Number(key)) : undefined) ??
      all.find((d) => d.uuid === key);
    if (!found) throw new XendInvalidDomain(key);
    return found;
  }

  domain(dom: string | number, full = false): Sxp {
    return domainSxp(this.lookup(dom), full);
  }

  /** xend.domains_with_state: records (or names) sorted by name, filtered by power state. */
  domainsWithState(detail: boolean, state: string | number, full: boolean): Sxp[] {
    const wanted = stateFilter(state);
    const doms = this.hv
      .list()
      .filter((d) => wanted(powerState(d)))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return detail ? doms.map((d) => domainSxp(d, full)) : doms.map((d) => d.name);
  }

  create(configSxp: Sxp): Sxp {
    const config = parseVmConfig(configSxp);
    this.checkUnique(config, true);
    freeMemory(this.hv, config.memory, this.balloon);
    const d = this.build(config, 0);
    this.log.info(`Started domain ${config.name} (id=${d.domid})`);
    return domainSxp(d, true);
  }

  /**
   * Builds the paused, still incomplete domain a restore or an incoming migration
   * fills. A relocating domain may share its uuid with its source on this host.
   */
  createIncoming(configSxp: Sxp, relocating: boolean): HvDomain {
    const config = parseVmConfig(configSxp);
    this.checkUnique(config, !relocating);
    freeMemory(this.hv, config.memory, this.balloon);
    return this.build(config, 0, true);
  }

  /** The domain record as the save stream carries it (full, with devices). */
  record(domid: number): Sxp {
    return domainSxp(this.hv.get(domid)!, true);
  }

  /** Gone for good, unless another domain here carries the same uuid (a migration to localhost). */
  released(uuid: string): void {
    if (!this.hv.list().some((d) => d.uuid === uuid)) this.onGone(uuid);
  }

  destroy(dom: string | number): void {
    const d = this.lookup(dom);
    if (d.domid === 0) throw new XendError('Cannot destroy privileged domain 0');
    this.hv.destroy(d.domid);
    this.onGone(d.uuid);
    this.log.info(`Domain ${d.name} (${d.domid}) destroyed`);
  }

  pause(dom: string | number): void {
    const d = this.lookup(dom);
    if (d.domid === 0) throw new XendError('Cannot pause privileged domain 0');
    this.requireLive(d);
    this.hv.pause(d.domid);
  }

  unpause(dom: string | number): void {
    const d = this.lookup(dom);
    if (d.domid === 0) throw new XendError('Cannot unpause privileged domain 0');
    this.requireLive(d);
    this.hv.unpause(d.domid);
  }

  shutdown(dom: string | number, reason: string): void {
    const d = this.lookup(dom);
    if (d.domid === 0) throw new XendError('Domain 0 cannot be shutdown');
    if (!(SHUTDOWN_REASONS as readonly string[]).includes(reason)) throw new XendError(`Invalid reason: ${reason}`);
    if (d.flags.shutdown || d.flags.crashed) throw new XendError('Domain cannot be shutdown');
    this.log.info(`Domain ${d.name} (${d.domid}): shutdown requested, reason ${reason}`);
    this.hv.shutdown(d.domid, reason as ShutdownReason);
  }

  setMemoryTarget(dom: string | number, mib: number): void {
    const d = this.lookup(dom);
    if (!Number.isInteger(mib) || mib <= 0) throw new XendError(`Invalid memory target: ${mib}`);
    if (d.domid === 0 && mib < this.balloon.dom0MinMiB) {
      throw new XendError(`Dom0 memory target ${mib} MiB is below dom0-min-mem ${this.balloon.dom0MinMiB} MiB`);
    }
    if (mib > d.memoryMiB) freeMemory(this.hv, mib - d.memoryMiB, this.balloon);
    this.hv.setMemory(d.domid, mib);
  }

  setVcpuCount(dom: string | number, count: number): void {
    const d = this.lookup(dom);
    if (!Number.isInteger(count) || count <= 0) throw new XendError('Zero or less VCPUs is invalid');
    if (count > d.vcpus) throw new XendError('Cannot set vcpus greater than max vcpus on running domain');
    this.hv.setVcpus(d.domid, count);
  }

  setName(dom: string | number, name: string): void {
    const d = this.lookup(dom);
    if (!DOMAIN_NAME_RE.test(name)) throw new XendError('Invalid VM Name');
    const clash = this.hv.list().find((o) => o.name === name && o.domid !== d.domid);
    if (clash) throw new XendError(`VM name '${name}' already exists as domain ${clash.domid}`);
    this.hv.setName(d.domid, name);
  }

  /** Console input for whichever domain now carries this uuid (its domid changes on reboot). */
  consoleInput(uuid: string, data: Buffer): void {
    const d = this.hv.list().find((x) => x.uuid === uuid);
    if (d) this.hv.consoleInput(d.domid, data);
  }

  restartCount(dom: string | number): string {
    return String(this.lookup(dom).restartCount);
  }

  vcpuInfo(dom: string | number): Sxp {
    const d = this.lookup(dom);
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
        ['cpu_time', v.cpuTime],
        ['cpu', v.cpu],
        ['cpumap', v.cpumap],
      ]),
    ];
  }

  /** What the guest did once it finished shutting down: xend's on_poweroff/on_reboot/on_crash. */
  onShutdown(domid: number, reason: ShutdownReason): void {
    const d = this.hv.get(domid);
    if (!d) return;
    const config = parseVmConfig(d.config);
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
    this.restart(d, config, action === 'rename-restart');
  }

  private restart(old: HvDomain, config: VmConfig, keepOld: boolean): void {
    if (keepOld) {
      this.hv.setName(old.domid, this.freeName(`${old.name}-`));
      config = { ...config, uuid: randomUUID() };
    } else {
      this.hv.destroy(old.domid);
    }
    try {
      const d = this.build(config, old.restartCount + 1);
      this.hv.unpause(d.domid);
      this.log.info(`Domain ${config.name} restarted as id ${d.domid}`);
    } catch (err) {
      this.log.error(`Failed to restart domain ${config.name}: ${(err as Error).message}`);
    }
  }

  private build(config: VmConfig, restartCount: number, incomplete = false): HvDomain {
    try {
      return this.hv.create({
        incomplete,
        name: config.name,
        uuid: config.uuid,
        memoryMiB: config.memory,
        maxmemMiB: config.maxmem,
        vcpus: config.vcpus,
        config: vmConfigSxp(config),
        restartCount,
      });
    } catch (err) {
      throw new XendError(`Failed to create domain ${config.name}: ${(err as Error).message}`);
    }
  }

  private checkUnique(config: VmConfig, byUuid: boolean): void {
    for (const d of this.hv.list()) {
      if (d.name === config.name) throw new XendError(`Domain '${config.name}' already exists with ID '${d.domid}'`);
      if (byUuid && d.uuid === config.uuid) throw new XendError(`Domain '${d.name}' already exists with ID '${d.domid}'`);
    }
  }

  private requireLive(d: HvDomain): void {
    if (d.flags.shutdown || d.flags.crashed) throw new XendError('Domain is not running');
  }

  private freeName(prefix: string): string {
    const names = new Set(this.hv.list().map((d) => d.name));
    let n = 1;
    while (names.has(`${prefix}${n}`)) n++;
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

/** `all`, a power-state name (any case) or its number, as domains_with_state accepts. */
function stateFilter(state: string | number): (status: number) => boolean {
  const s = String(state).toLowerCase();
  if (s === 'all') return () => true;
  if (/^\d+$/.test(s)) return (status) => status === Number(s);
  if (!(POWER_STATES as readonly string[]).includes(s)) throw new XendError(`Invalid state: ${String(state)}`);
  return (status) => POWER_STATES[status] === s;
}
