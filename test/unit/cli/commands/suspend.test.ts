import { actionSuite } from '../action-suite.js';

actionSuite('suspend', 'xend.domain.suspend');
