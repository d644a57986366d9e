import { returns, none, domain, text, token, sxp, names, method } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/**
 * XendCPUPool's legacy calls (XMLRPCServer's POOL_FUNCS, xend.cpu_pool.*); xend
 * had no HTTP form of them. A pool is named by its name or its id.
 */
export const CPUPOOL_METHODS = {
  /** `(pool (name_label …) (sched_policy …) (ncpu …) (proposed_CPUs …) (other_config …))`, activated at once. */
  cpu_pool_create: method('xend.cpu_pool.create', [sxp('config')], none),
  /** The same config, kept by xend and not started; resolves to the pool's uuid. */
  cpu_pool_new: method('xend.cpu_pool.new', [sxp('config')], returns<string>()),
  cpu_pool_start: method('xend.cpu_pool.start', [text('pool')], none),
  /** `[uuid, [key, value…]…]` per pool, of the pools named (all when none). */
  cpu_pool_list: method('xend.cpu_pool.list', [names('names')], returns<Sxp[]>()),
  cpu_pool_destroy: method('xend.cpu_pool.destroy', [text('pool')], none),
  cpu_pool_delete: method('xend.cpu_pool.delete', [text('pool')], none),
  cpu_pool_cpu_add: method('xend.cpu_pool.cpu_add', [text('pool'), token('cpu')], none),
  cpu_pool_cpu_remove: method('xend.cpu_pool.cpu_remove', [text('pool'), token('cpu')], none),
  cpu_pool_migrate: method('xend.cpu_pool.migrate', [domain(), text('pool')], none),
};
