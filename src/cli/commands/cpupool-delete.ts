import { poolAction } from './pool-action.js';

export const { run, text, json } = poolAction((client, [pool]) => client.api.cpu_pool_delete({ pool: pool! }));
