import { CliError } from '../errors.js';
import { action } from './action.js';

/** xm's int_unit: a number of MiB, or with a k/m/g suffix (any case). */
export function parseMemory(value: string): number {
  const m = /^\s*(\d+)\s*([kKmMgG]?)\s*$/.exec(value);
  if (!m) throw new CliError('Invalid argument.', 1, true);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  return unit === 'k' ? Math.floor(n / 1024) : unit === 'g' ? n * 1024 : n;
}

export const { run, text, json } = action((client, [dom, mem]) => client.setMemoryTarget(dom!, parseMemory(mem!)));
