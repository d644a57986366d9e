import { actionSuite } from '../action-suite.js';

actionSuite('unpause', 'xend.domain.unpause', [['xend.domain.setpauseflag', ['web', false]]]);
