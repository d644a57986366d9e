import { actionSuite } from '../action-suite.js';

actionSuite('delete', 'xend.domain.delete');
