import { poolActionCases } from '../pool-action-cases.js';

// A VmError (fault 2) for an unknown domain, not fault 3.
poolActionCases('cpupool-migrate', 'xend.cpu_pool.migrate', ['web', 'p1'], 'unknown domain web');
