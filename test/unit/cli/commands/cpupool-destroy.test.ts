import { poolActionCases } from '../pool-action-cases.js';

poolActionCases('cpupool-destroy', 'xend.cpu_pool.destroy', ['p1'], "['POOL_BAD_STATE', 'in use']");
