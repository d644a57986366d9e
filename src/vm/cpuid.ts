import { XendError } from '../protocol/faults.js';
import { Py2KeyOrder } from '../py2-dict-order.js';

/**
 * A config's cpuid or cpuid_check as xend kept it (XendConfig.parse_cpuid): per
 * CPUID input ("leaf" or "leaf,subleaf", hex ones made decimal), each register's
 * value — 32 characters of 0, 1, x, k, s as xm sent them, or the bits of a hex
 * value. Inputs and registers in the order xend's dicts iterated (to_sxp's order).
 */
export type CpuidPolicy = [input: string, regs: [reg: string, value: string][]][];

/** More inputs than CPUID has leaves worth setting: a bigger policy is hostile. */
const MAX_INPUTS = 64;

/**
 * Python's dict(v) of what a config carries: the dict xm sent (an XML-RPC
 * struct) or the pairs to_sxp wrote; null where dict() raised.
 */
function dictItems(v: unknown): [unknown, unknown][] | null {
  if (v === '') return [];
  if (Array.isArray(v)) return v.every((p) => Array.isArray(p) && p.length === 2) ? v.map((p: unknown[]) => [p[0], p[1]]) : null;
  if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.entries(v);
  return null;
}

/** The entries of a Python 2 dict built from `items`, in its iteration order (a repeated key keeps its place and takes the last value). */
function py2Dict(items: [unknown, unknown][], what: string): [string, unknown][] {
  const values = new Map<string, unknown>();
  for (const [k, v] of items) {
    if (typeof k !== 'string') throw new XendError(`Invalid ${what}: ${String(k)} is not a string`);
    values.set(k, v);
  }
  return new Py2KeyOrder(values.keys()).keys().map((k) => [k, values.get(k)]);
}

/** int(s, 16) of a '0x…' string, as Python took it, or its ValueError's words. */
function hexValue(s: string): bigint {
  if (!/^0x[0-9a-f]+$/i.test(s)) throw new XendError(`invalid literal for int() with base 16: ${JSON.stringify(s).replaceAll('"', "'")}`);
  return BigInt(s);
}

/** parse_cpuid's input: a hex leaf and subleaf made decimal ("0x80000001" → "2147483649"). */
function decimalInput(input: string): string {
  const parts = input.split(',');
  for (const i of parts.length === 2 ? [0, 1] : [0]) if (parts[i]!.startsWith('0x')) parts[i] = hexValue(parts[i]!).toString();
  return parts.join(',');
}

/** parse_cpuid's int2bin: a hex register value as its 32 low bits, most significant first. */
function registerBits(value: string): string {
  return (hexValue(value) & 0xffffffffn).toString(2).padStart(32, '0');
}

/**
 * XendConfig's cpuid / cpuid_check from a config's value: undefined when it is
 * absent, or when xend's dict() of it failed (xend then dropped the key).
 */
export function parseCpuid(raw: unknown, field: string): CpuidPolicy | undefined {
  const top = raw === undefined || raw === null ? null : dictItems(raw);
  if (!top) return undefined;
  if (top.length > MAX_INPUTS) throw new XendError(`Invalid ${field}: more than ${MAX_INPUTS} inputs`);
  const regsOf = new Map<string, [string, string][]>();
  const order = new Py2KeyOrder();
  for (const [input, regs] of py2Dict(top, `${field} input`)) {
    const items = dictItems(regs);
    if (!items) throw new XendError(`Invalid ${field} registers of input ${input}`);
    const values = py2Dict(items, `${field} register`).map(([reg, value]): [string, string] => {
      if (typeof value !== 'string') throw new XendError(`Invalid ${field} value of ${reg} for input ${input}`);
      return [reg, value.startsWith('0x') ? registerBits(value) : value];
    });
    const key = decimalInput(input);
    // cpuid[new_input] = {}: an input given twice (0x1 and 1) keeps its place and takes the later registers.
    order.set(key);
    regsOf.set(key, new Py2KeyOrder(values.map(([r]) => r)).keys().map((r) => values.find(([k]) => k === r)!));
  }
  return order.keys().map((k) => [k, regsOf.get(k)!]);
}
