import { consoleSuite } from '../helpers/console-suite.js';

consoleSuite('xmlrpc-unix');
