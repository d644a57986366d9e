import { actionSuite } from '../action-suite.js';

actionSuite('destroy', 'xend.domain.destroy');
