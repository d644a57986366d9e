import { poolActionCases } from '../pool-action-cases.js';

poolActionCases('cpupool-start', 'xend.cpu_pool.start', ['p1'], "['INSUFFICIENT_CPUS', '2', '0']");
