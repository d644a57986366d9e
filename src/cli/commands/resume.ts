export { run, text, json } from './start.js';
