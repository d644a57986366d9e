import { commandSuite } from '../helpers/command-suite.js';

commandSuite('xmlrpc-tcp');
