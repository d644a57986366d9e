import { consoleSuite } from '../helpers/console-suite.js';

consoleSuite('http-unix');
