import { XendError } from '../protocol/faults.js';
import { DOMAIN_NAME_RE, INVALID_NAME, PowerState } from '../protocol/domain.js';
import { parseVmConfig } from '../vm/config.js';
import type { ManagedStore } from './managed-store.js';
import type { DomainService } from './domains.js';
import type { CheckpointService } from './checkpoint.js';
import type { Hypervisor } from '../hypervisor/types.js';
import type { Logger } from './log.js';
import type { Sxp } from '../sxp/types.js';

/** How long xend's stop waits for the guests on_xend_stop shut down. */
const STOP_WAIT_MS = 8_000;

/**
 * xend's lifecycle management (XendDomain domain_new/start/delete/suspend/resume,
 * autostart_domains, cleanup_domains) over the store, the registry and the
 * checkpoint service.
 */
export class ManagedService {
  constructor(
    private readonly store: ManagedStore,
    private readonly domains: DomainService,
    private readonly checkpoints: CheckpointService,
    private readonly hv: Hypervisor,
    private readonly log: Logger,
  ) {}

  /** After a crash: a domain that runs is not suspended, whatever a stale checkpoint says. */
  recover(): void {
    for (const m of this.store.list()) {
      if (m.suspended && this.hv.list().some((d) => d.uuid === m.config.uuid)) {
        this.log.warning(`Domain ${m.config.name} runs: dropping its stale checkpoint`);
        this.store.dropCheckpoint(m.config.uuid);
      }
    }
  }

  /** xend.domain.new: defines the domain (or redefines one with the same uuid); returns None. */
  new(configSxp: Sxp): void {
    const config = parseVmConfig(configSxp);
    if (!DOMAIN_NAME_RE.test(config.name)) throw new XendError(INVALID_NAME);
    this.domains.requireFreeName(config.name, config.uuid);
    this.store.save(config);
    this.log.info(`Domain ${config.name} (${config.uuid}) is now managed by xend`);
  }

  /** xend.domain.start: a halted managed domain, built and unpaused unless `paused`. */
  async start(dom: string | number, paused: boolean): Promise<void> {
    const r = this.domains.resolve(dom);
    if (r.live || !r.managed || r.managed.suspended) throw new XendError('Domain is already running');
    await this.domains.createFrom(r.managed.config);
    const live = this.domains.resolve(r.managed.config.uuid).live!;
    if (!paused) await this.domains.unpause(live.domid);
  }

  /** xend.domain.delete: forgets a halted managed domain. */
  delete(dom: string | number): void {
    const r = this.domains.resolve(dom);
    if (this.domains.stateOf(r) !== PowerState.Halted) throw new XendError('Domain is not halted.');
    this.store.remove(r.managed!.config.uuid);
    this.log.info(`Domain ${r.managed!.config.name} (${r.managed!.config.uuid}) deleted from xend management`);
  }

  /** xend.domain.suspend: the running managed domain's state to the store; it is then suspended, not running. */
  async suspend(dom: string | number): Promise<void> {
    const r = this.domains.resolve(dom);
    if (r.live?.domid === 0) throw new XendError(`Cannot suspend privileged domain ${String(dom)}`);
    if (this.domains.stateOf(r) !== PowerState.Running) throw new XendError('Domain is not running');
    if (!r.managed) throw new XendError('Domain is not managed by Xend lifecycle support.');
    const uuid = r.managed.config.uuid;
    try {
      await this.checkpoints.save(uuid, this.store.checkpointTemp(uuid), false);
    } catch (err) {
      this.store.dropCheckpoint(uuid);
      throw err;
    }
    this.store.commitCheckpoint(uuid);
    this.log.info(`Domain ${r.managed.config.name} suspended to ${this.store.checkpointPath(uuid)}`);
  }

  /** xend.domain.resume: a suspended managed domain back from the store; returns its record. */
  async resume(dom: string | number, paused: boolean): Promise<Sxp> {
    const r = this.domains.resolve(dom);
    if (r.live?.domid === 0) throw new XendError(`Cannot resume privileged domain ${String(dom)}`);
    if (this.domains.stateOf(r) !== PowerState.Suspended) throw new XendError('Cannot resume domain that is not suspended.');
    const uuid = r.managed!.config.uuid;
    if (!this.store.hasCheckpoint(uuid)) throw new XendError('Domain was not suspended by Xend');
    const record = await this.checkpoints.restore(this.store.checkpointPath(uuid), paused);
    this.store.dropCheckpoint(uuid);
    return record;
  }

  /** XendDomain.autostart_domains: on_xend_start=start brings up every halted managed domain that asks. */
  async autostart(): Promise<void> {
    for (const m of this.store.list()) {
      if (m.config.onXendStart !== 'start' || m.suspended || this.hv.list().some((d) => d.uuid === m.config.uuid)) continue;
      try {
        this.log.info(`Starting domain ${m.config.name} (on_xend_start)`);
        await this.start(m.config.uuid, false);
      } catch (err) {
        this.log.error(`Failed to start domain ${m.config.name}: ${(err as Error).message}`);
      }
    }
  }

  /**
   * XendDomain.cleanup_domains, when xend stops: each running domain's
   * on_xend_stop, `shutdown` (waited for, within bounds) or `suspend`.
   */
  async autostop(): Promise<void> {
    const waiting: { domid: number; uuid: string }[] = [];
    for (const d of this.hv.list()) {
      if (d.domid === 0 || d.incomplete || !d.config || d.flags.shutdown || d.flags.crashed || d.flags.paused) continue;
      const action = d.config.onXendStop;
      try {
        if (action === 'shutdown') {
          this.log.debug(`Shutting down domain: ${d.name}`);
          this.domains.shutdown(d.domid, 'poweroff');
          waiting.push({ domid: d.domid, uuid: d.uuid });
        } else if (action === 'suspend') {
          await this.suspend(d.uuid);
        } else {
          this.log.debug(`Domain ${d.name} continues to run.`);
        }
      } catch (err) {
        this.log.error(`Domain ${d.name} failed to ${action}: ${(err as Error).message}`);
      }
    }
    const deadline = Date.now() + STOP_WAIT_MS;
    const pending = () => waiting.filter((w) => this.hv.get(w.domid)?.uuid === w.uuid && !this.hv.get(w.domid)!.flags.shutdown);
    while (pending().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    for (const w of pending()) this.log.warning(`Domain ${this.hv.get(w.domid)?.name ?? w.domid} did not shut down before xend stopped`);
  }
}
