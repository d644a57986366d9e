import { actionSuite } from '../action-suite.js';

actionSuite('pause', 'xend.domain.pause', [['xend.domain.setpauseflag', ['web', true]]]);
