import { poolActionCases } from '../pool-action-cases.js';

poolActionCases('cpupool-cpu-add', 'xend.cpu_pool.cpu_add', ['p1', '3'], "['INVAILD_CPU', 'CPU unknown']");
