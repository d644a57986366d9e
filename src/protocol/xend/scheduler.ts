import { returns, domain, int, optInt, op, method, type Struct } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/** XendDomain's credit2 and SEDF calls (xend.domain.*), SrvDomain's ops for them. */
export const SCHEDULER_METHODS = {
  /** `{weight}`. */
  sched_credit2_get: method('xend.domain.sched_credit2_get', [domain()], returns<Struct>(), op('domain_sched_credit2_get', 'struct')),
  /** None leaves the weight as it is. */
  sched_credit2_set: method('xend.domain.sched_credit2_set', [domain(), optInt('weight')], returns<number>(), op('domain_sched_credit2_set')),
  /** `(sedf (domid …) (period …) (slice …) (latency …) (extratime …) (weight …))`, times in ns. */
  cpu_sedf_get: method('xend.domain.cpu_sedf_get', [domain()], returns<Sxp>(), op('cpu_sedf_get')),
  cpu_sedf_set: method(
    'xend.domain.cpu_sedf_set',
    [domain(), int('period'), int('slice'), int('latency'), int('extratime'), int('weight')],
    returns<number>(),
    op('cpu_sedf_set'),
  ),
};
