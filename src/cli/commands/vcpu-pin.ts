import { CliError } from '../errors.js';
import { action } from './action.js';

const INT = /^\s*[-+]?\d+\s*$/;
const invalid = () => new CliError('Invalid argument.', 1, true);

/**
 * xm's cpu_make_map: `0-3,5,^1` (ranges, single CPUs, `^N` removing one seen
 * so far), sorted, as the "0,2,3" xend takes. A bad number is `Invalid argument.`
 */
export function cpuMap(list: string): string {
  let cpus: number[] = [];
  for (const c of list.split(',')) {
    if (c === '') continue;
    if (c.includes('-')) {
      const parts = c.split('-');
      if (parts.length !== 2 || !INT.test(parts[0]!) || !INT.test(parts[1]!)) throw invalid();
      for (let i = Number(parts[0]); i <= Number(parts[1]); i++) cpus.push(i);
    } else if (c.startsWith('^')) {
      if (!INT.test(c.slice(1))) throw invalid();
      const drop = Number(c.slice(1));
      cpus = cpus.filter((x) => x !== drop);
    } else {
      if (!INT.test(c)) throw invalid();
      cpus.push(Number(c));
    }
  }
  return cpus.sort((a, b) => a - b).join(',');
}

/** `xm vcpu-pin DOM VCPU|all CPUS|all`: silent on success. */
export const { run, text, json } = action((client, [dom, vcpu, cpus]) => {
  if (vcpu!.toLowerCase() !== 'all' && !INT.test(vcpu!)) throw invalid();
  return client.pinVcpu(dom!, vcpu!.toLowerCase() === 'all' ? 'all' : String(Number(vcpu)), cpuMap(cpus === 'all' ? '0-63' : cpus!));
});
