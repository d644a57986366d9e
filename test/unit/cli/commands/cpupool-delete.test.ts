import { poolActionCases } from '../pool-action-cases.js';

poolActionCases('cpupool-delete', 'xend.cpu_pool.delete', ['p1'], "['POOL_BAD_STATE', 'activated']");
