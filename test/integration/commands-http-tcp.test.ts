import { commandSuite } from '../helpers/command-suite.js';

commandSuite('http-tcp');
