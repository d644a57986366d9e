import { CliError } from '../errors.js';
import { action } from './action.js';

export const { run, text, json } = action((client, [dom, count]) => {
  if (!/^\s*[-+]?\d+\s*$/.test(count!)) throw new CliError('Invalid argument.', 1, true);
  return client.setVcpuCount(dom!, Number(count));
});
