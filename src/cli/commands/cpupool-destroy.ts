import { poolAction } from './pool-action.js';

/** Deactivates the pool: its CPUs become free; one xend does not manage is forgotten. */
export const { run, text, json } = poolAction((client, [pool]) => client.api.cpu_pool_destroy({ pool: pool! }));
