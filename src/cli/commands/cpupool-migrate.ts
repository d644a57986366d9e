import { poolAction } from './pool-action.js';

/** A running domain moves at once (its VCPUs unpinned); every domain's config names the pool from now on. */
export const { run, text, json } = poolAction((client, [dom, pool]) => client.api.cpu_pool_migrate({ dom: dom!, pool: pool! }), 1);
