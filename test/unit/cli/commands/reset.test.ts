import { actionSuite } from '../action-suite.js';

actionSuite('reset', 'xend.domain.reset');
