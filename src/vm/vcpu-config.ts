import { XendError } from '../protocol/faults.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt, notAnInt } from '../python-int.js';

/** Xen's highest physical CPU count (NR_CPUS): a range beyond it is refused before it is expanded. */
const MAX_HOST_CPUS = 4096;

/** A ValueError from the conversion, reported as XendConfig reported it. */
class CpusError extends Error {}

function cpuNumber(text: string): number {
  if (!isPyInt(text)) throw new CpusError(notAnInt(text));
  const n = Number(text);
  if (n >= MAX_HOST_CPUS) throw new CpusError(`CPU ${n} is beyond Xen's limit of ${MAX_HOST_CPUS - 1}`);
  return n;
}

/** XendConfig._convert_cpus_to_list: "0-3,^1" → [0, 2, 3]; ranges, negations, in the string's order. */
function cpuList(s: string): number[] {
  let l: number[] = [];
  if (s === '') return l;
  for (const c of s.split(',')) {
    if (c.includes('-')) {
      const ends = c.split('-');
      if (ends.length !== 2) throw new CpusError(ends.length > 2 ? 'too many values to unpack' : 'need more than 1 value to unpack');
      const [x, y] = ends.map(cpuNumber) as [number, number];
      for (let i = x; i <= y; i++) l.push(i);
    } else if (c.startsWith('^')) {
      const drop = cpuNumber(c.slice(1));
      l = l.filter((x) => x !== drop);
    } else {
      if (c === '') throw new CpusError('string index out of range');
      l.push(cpuNumber(c));
    }
  }
  return l;
}

function shown(raw: Sxp): string {
  return Array.isArray(raw) ? `[${raw.map((x) => (Array.isArray(x) ? shown(x) : `'${String(x)}'`)).join(', ')}]` : String(raw);
}

/**
 * XendConfig's `cpus`: one list of physical CPUs per VCPU (empty: any). Accepts
 * what xm sends ("2", "0-3,^1", a list of such strings, one per VCPU) and the
 * stored form (a list of lists of numbers); the deprecated `cpu` comes first.
 */
export function parseCpus(raw: Sxp, cpu: Sxp, vcpus: number): number[][] {
  let value = raw;
  if (cpu !== null) value = value === null ? String(cpu) : `${String(cpu)},${String(value)}`;
  if (value === null) return Array.from({ length: vcpus }, () => []);
  try {
    if (!Array.isArray(value)) {
      const cpus = cpuList(String(value));
      return Array.from({ length: vcpus }, () => [...cpus]);
    }
    const list = value.map((v) => (Array.isArray(v) ? v.map((c) => cpuNumber(String(c))) : cpuList(String(v))));
    if (list.length !== vcpus) throw new XendError('vcpus and the item number of cpus are not same');
    return list;
  } catch (err) {
    if (err instanceof CpusError) throw new XendError(`cpus = ${shown(value)}: ${err.message}`);
    throw err;
  }
}

/**
 * How many VCPUs start online: the bits of xend's vcpu_avail bitmap below vcpus
 * (all when absent). xm only ever sends the low `vcpus` bits set.
 */
export function parseVcpuAvail(raw: Sxp, vcpus: number): number {
  if (raw === null) return vcpus;
  const text = String(raw).trim();
  if (typeof raw === 'object' || !/^[-+]?\d+[lL]?$/.test(text)) throw new XendError(`Invalid configuration value for vcpu_avail: ${text}`);
  const bits = BigInt(text.replace(/[lL]$/, ''));
  if (bits < 0n) throw new XendError(`Invalid configuration value for vcpu_avail: ${text}`);
  let online = 0;
  for (let i = 0; i < vcpus; i++) if ((bits >> BigInt(i)) & 1n) online++;
  if (online === 0) throw new XendError(`Invalid configuration value for vcpu_avail: ${text} brings no VCPU online`);
  return online;
}

/** The vcpu_avail bitmap with the first `online` VCPUs set. */
export function vcpuAvailBitmap(online: number): Sxp {
  const bits = (1n << BigInt(online)) - 1n;
  return Number.isSafeInteger(Number(bits)) ? Number(bits) : bits;
}
