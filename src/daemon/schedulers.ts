import { XendError } from '../protocol/faults.js';
import { hasVcpus } from '../protocol/domain.js';
import { backendCall } from './backend-call.js';
import { powerState } from './domain-sxp.js';
import type { DomainService } from './domains.js';
import type { CpuPoolService } from './cpupools.js';
import type { HvDomain, Scheduler, SedfParams } from '../hypervisor/types.js';
import type { Sxp } from '../sxp/types.js';

/** What Xen answered a scheduler call for a domain whose pool runs another scheduler. */
const EINVAL = "(22, 'Invalid argument')";

/**
 * The schedulers beside credit (XendDomain's domain_sched_credit2_* and
 * domain_cpu_sedf_*), each answering only for domains whose CPU pool runs it.
 */
export class SchedulerService {
  constructor(
    private readonly domains: DomainService,
    private readonly pools: CpuPoolService,
  ) {}

  /** The running domain, if its pool runs `sched`; xc's EINVAL otherwise. A domain with no VCPUs is not asked. */
  requireScheduler(dom: string | number, sched: Scheduler): HvDomain | undefined {
    const d = this.domains.resolve(dom).live;
    if (!d || !hasVcpus(powerState(d))) return undefined;
    if (this.pools.schedulerOf(d) !== sched) throw new XendError(EINVAL);
    return d;
  }

  /** domain_sched_credit2_get: `{weight}` from the scheduler, or the config of a domain not running. */
  credit2Get(dom: string | number): { weight: number } {
    const d = this.requireScheduler(dom, 'credit2');
    const r = this.domains.resolve(dom);
    return { weight: d?.cpuWeight ?? (r.managed?.config.cpuWeight ?? 256) };
  }

  /** domain_sched_credit2_set: weight 1–65535, or None to leave it; returns xc's rc (0). */
  credit2Set(dom: string | number, weight: number | null): number {
    this.domains.resolve(dom);
    if (weight !== null && (weight < 1 || weight > 65535)) throw new XendError('weight is out of range');
    const d = this.requireScheduler(dom, 'credit2');
    if (d && weight !== null) this.wrapped(() => backendCall(this.domains.hv, 'setSchedCredit2', 'set credit2 parameters')(d.domid, weight));
    if (weight !== null) this.domains.keepConfig(dom, (c) => ({ ...c, cpuWeight: weight }));
    return 0;
  }

  /** domain_cpu_sedf_get: `(sedf (domid …) (period …) (slice …) (latency …) (extratime …) (weight …))`, times in ns. */
  sedfGet(dom: string | number): Sxp {
    const d = this.sedfDomain(dom);
    const p = this.wrapped(() => backendCall(this.domains.hv, 'getSedf', 'report SEDF parameters')(d.domid));
    return ['sedf', ['domid', d.domid], ['period', p.period], ['slice', p.slice], ['latency', p.latency], ['extratime', p.extratime], ['weight', p.weight]];
  }

  /** domain_cpu_sedf_set: all five at once, as xm sends them; returns xc's rc (0). */
  sedfSet(dom: string | number, params: SedfParams): number {
    const d = this.sedfDomain(dom);
    this.wrapped(() => backendCall(this.domains.hv, 'setSedf', 'set SEDF parameters')(d.domid, params));
    return 0;
  }

  /** xc.sedf_domain_* of the domain's id: a domain with none (not running) fails as xc did with None. */
  private sedfDomain(dom: string | number): HvDomain {
    const r = this.domains.resolve(dom);
    if (!r.live) throw new XendError('an integer is required');
    return this.requireScheduler(dom, 'sedf') ?? r.live;
  }

  /** xend's `except Exception, ex: raise XendError(str(ex))`. */
  private wrapped<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof XendError) throw err;
      throw new XendError((err as Error).message);
    }
  }
}
