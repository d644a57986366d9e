import { poolConfigCommand } from './cpupool-config.js';

/** `xm cpupool-new`: xend keeps the pool (across its restarts) until cpupool-delete; cpupool-start activates it. */
export const { run, text, json } = poolConfigCommand((client, config) => client.api.cpu_pool_new({ config }));
