import { poolAction } from './pool-action.js';

export const { run, text, json } = poolAction((client, [pool, cpu]) => client.api.cpu_pool_cpu_remove({ pool: pool!, cpu: cpu! }));
