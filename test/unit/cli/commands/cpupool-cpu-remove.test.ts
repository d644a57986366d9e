import { poolActionCases } from '../pool-action-cases.js';

poolActionCases('cpupool-cpu-remove', 'xend.cpu_pool.cpu_remove', ['p1', '3'], "['LAST_CPU_NOT_REMOVEABLE', 'could not remove last cpu']");
