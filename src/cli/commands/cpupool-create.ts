import { poolConfigCommand } from './cpupool-config.js';

/** `xm cpupool-create`: the pool is made and activated at once; xend forgets it when it is destroyed. */
export const { run, text, json } = poolConfigCommand((client, config) => client.api.cpu_pool_create({ config }));
