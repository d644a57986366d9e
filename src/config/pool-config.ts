import { pathBasename, type PyValue } from './python/index.js';
import { DomainConfigError, runXmConfig } from './domain-config.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt, notAnInt } from '../python-int.js';

/** xm/cpupool.py's variables (GOPTS.var), in its order: name, metavar, help. */
export const POOL_VARIABLES = [
  { name: 'name', metavar: 'NAME', help: 'CPU pool name.' },
  { name: 'sched', metavar: 'SCHED', help: 'Scheduler to use for the CPU pool.' },
  { name: 'cpus', metavar: 'CPUS', help: 'CPUS to assign to the CPU pool.' },
  { name: 'other_config', metavar: 'OTHER_CONFIG', help: 'Additional info for CPU pool' },
] as const;

/** An error cpupool.py's err() printed: exit status 255 (sys.exit(-1)). */
export class PoolConfigError extends DomainConfigError {}

export interface PoolConfigInput {
  /** The config file as found (xm_file). */
  readonly file: string;
  readonly source: string;
  /** VAR=VAL arguments, in order. */
  readonly cmdVars: readonly (readonly [string, string])[];
}

interface PoolValues {
  name: PyValue;
  sched: PyValue;
  cpus: PyValue;
  other_config: PyValue[];
}

const KNOWN: ReadonlySet<string> = new Set(POOL_VARIABLES.map((v) => v.name));

/**
 * cpupool.py's parseCommandLine and make_config: the script runs with the
 * command line's variables, which win over what it sets; the result is the
 * `(pool …)` config xend.cpu_pool.create and .new take.
 */
export function loadPoolConfig(input: PoolConfigInput): Sxp {
  const values: PoolValues = { name: null, sched: 'credit', cpus: 1n, other_config: [] };
  const specified = new Set<string>();
  const scriptVars: Record<string, PyValue> = {};
  for (const [name, text] of input.cmdVars) {
    if (!KNOWN.has(name)) {
      scriptVars[name] = text;
      continue;
    }
    specified.add(name);
    if (name === 'other_config') values.other_config.push(text);
    else values[name as 'name' | 'sched' | 'cpus'] = text;
  }
  const { namespace } = runXmConfig(input.source, { file: input.file, vars: scriptVars });
  for (const { name } of POOL_VARIABLES) {
    const v = namespace.get(name);
    if (specified.has(name) || v === undefined) continue;
    if (name === 'other_config') values.other_config = Array.isArray(v) ? v : [v];
    else if (typeof v === 'string' || typeof v === 'bigint' || Array.isArray(v)) values[name as 'name' | 'sched' | 'cpus'] = v;
  }
  const name = values.name === null || values.name === '' ? pathBasename(input.file) : values.name;
  return makePoolConfig({ ...values, name });
}

/** cpupool.make_config. */
function makePoolConfig(vals: PoolValues): Sxp {
  const config: Sxp[] = ['pool', ['name_label', scalar(vals.name)], ['sched_policy', scalar(vals.sched)]];
  const cpus = vals.cpus;
  if (typeof cpus === 'bigint') {
    config.push(['ncpu', Number(cpus)], ['proposed_CPUs']);
  } else if (typeof cpus === 'string' && cpus.length > 1 && cpus.startsWith('#')) {
    if (!isPyInt(cpus.slice(1))) throw new PoolConfigError('Wrong illegal of parameter "cpus"');
    config.push(['ncpu', Number(cpus.slice(1))], ['proposed_CPUs']);
  } else {
    const list = (Array.isArray(cpus) ? cpus : [cpus]).flatMap((c) => cpuList(scalar(c), cpus));
    config.push(['ncpu', list.length], ['proposed_CPUs', ...list]);
  }
  const other: Sxp[] = [];
  for (const entry of vals.other_config) {
    const text = scalar(entry).trim();
    const eq = text.indexOf('=');
    if (eq >= 0) other.push([text.slice(0, eq), text.slice(eq + 1)]);
  }
  config.push(['other_config', ...other]);
  return config;
}

const scalar = (v: PyValue): string => (typeof v === 'string' ? v : typeof v === 'bigint' ? String(v) : String(v ?? ''));

/** make_cpus_config's cnv: `0-3,^1` is [0, 2, 3]; a word that is no number is cpupool.py's err. */
function cpuList(text: string, whole: PyValue): number[] {
  const int = (s: string): number => {
    if (!isPyInt(s)) throw new PoolConfigError(`cpus = ${scalar(whole)}: ${notAnInt(s)}`);
    return Number(s);
  };
  let out: number[] = [];
  for (const c of text.split(',')) {
    if (c.includes('-')) {
      const parts = c.split('-');
      if (parts.length !== 2) throw new PoolConfigError(`cpus = ${scalar(whole)}: too many values to unpack`);
      const [from, to] = [int(parts[0]!), int(parts[1]!)];
      if (to - from > 4096) throw new PoolConfigError(`cpus = ${scalar(whole)}: range too large`);
      for (let i = from; i <= to; i++) out.push(i);
    } else if (c.startsWith('^')) {
      const drop = int(c.slice(1));
      out = out.filter((x) => x !== drop);
    } else if (c.length > 0) {
      out.push(int(c));
    }
  }
  return out;
}
