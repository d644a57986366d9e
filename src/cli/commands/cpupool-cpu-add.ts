import { poolAction } from './pool-action.js';

/** The CPU number goes to xend as typed: xend's int() judges it, as with xm. */
export const { run, text, json } = poolAction((client, [pool, cpu]) => client.api.cpu_pool_cpu_add({ pool: pool!, cpu: cpu! }));
