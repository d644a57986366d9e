import { actionSuite } from '../action-suite.js';

actionSuite('unpause', 'xend.domain.unpause');
