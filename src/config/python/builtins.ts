/** Python 2 builtin functions, types and exceptions available to config scripts. */
import { sortValues, updateDict, WHITESPACE } from './methods.js';
import { charge, chargeDigits, chargeInts, checkSize } from './budget.js';
import { bindArgs, builtin, expectInt, iterate, NO_KWARGS, unsupported, type Runtime } from './runtime.js';
import {
  EXC,
  PyBuiltin,
  PyDict,
  PyException,
  PyExceptionType,
  PyTuple,
  isMachineInt,
  numeric,
  pyCompare,
  pyError,
  pyRepr,
  pyStr,
  scaledRound,
  truthy,
  typeName,
  type Kwargs,
  type PyValue,
} from './values.js';

/**
 * Names of Python 2 builtins the subset does not provide: using one is
 * "not supported" rather than a NameError, because real Python has it.
 */
export const MISSING_PY2_BUILTINS = new Set([
  'apply', 'buffer', 'bytearray', 'bytes', 'callable', 'classmethod', 'coerce', 'compile', 'complex', 'delattr',
  'dir', 'divmod', 'eval', 'execfile', 'file', 'format', 'frozenset', 'getattr', 'globals', 'hasattr', 'hash', 'help',
  'id', 'input', 'intern', 'issubclass', 'iter', 'locals', 'memoryview', 'next', 'object', 'open', 'pow', 'property',
  'raw_input', 'reduce', 'reload', 'set', 'setattr', 'slice', 'staticmethod', 'super', 'unichr', 'vars', '__import__',
]);

// ---------------------------------------------------------------- conversions

const INT_DIGITS: Record<number, string> = { 2: '01', 8: '0-7', 10: '0-9', 16: '0-9a-fA-F' };

/** Radixes BigInt() parses itself, by their prefix. */
const NATIVE_RADIX: Record<number, string> = { 2: '0b', 8: '0o', 10: '', 16: '0x' };

function parseIntLiteral(text: string, base: number): bigint | null {
  let s = text.trim();
  let negative = false;
  if (/^[+-]/.test(s)) {
    negative = s[0] === '-';
    s = s.slice(1);
  }
  let radix = base;
  if (base === 0) {
    const prefix = /^0([xX]|[oO]|[bB])?/.exec(s);
    radix = !prefix ? 10 : !prefix[1] ? (s.length > 1 ? 8 : 10) : { x: 16, o: 8, b: 2 }[prefix[1].toLowerCase() as 'x' | 'o' | 'b'];
    if (prefix?.[1]) s = s.slice(2);
    else if (radix === 8) s = s.slice(1);
  } else if ((base === 16 && /^0[xX]/.test(s)) || (base === 8 && /^0[oO]/.test(s)) || (base === 2 && /^0[bB]/.test(s))) {
    s = s.slice(2);
  }
  const digits = INT_DIGITS[radix];
  const valid = digits ? new RegExp(`^[${digits}]+$`).test(s) : /^[0-9a-zA-Z]+$/.test(s) && [...s].every((c) => parseInt(c, 36) < radix);
  if (!valid) return null;
  chargeDigits(s.length, radix);
  const prefix = NATIVE_RADIX[radix];
  let value = 0n;
  if (prefix !== undefined) value = BigInt(prefix + s);
  else {
    // Nine digits at a time fit a double even in base 36.
    for (let i = 0; i < s.length; i += 9) {
      const chunk = s.slice(i, i + 9);
      value = value * BigInt(radix) ** BigInt(chunk.length) + BigInt(parseInt(chunk, radix));
    }
  }
  return negative ? -value : value;
}

/** int(x[, base]). */
export function toInt(value: PyValue, base?: PyValue): bigint {
  if (base !== undefined) {
    if (typeof value !== 'string') throw pyError(EXC.TypeError, "int() can't convert non-string with explicit base");
    const b = Number(expectInt(base, 'int() base'));
    if (b !== 0 && (b < 2 || b > 36)) throw pyError(EXC.ValueError, 'int() base must be >= 2 and <= 36');
    const n = parseIntLiteral(value, b);
    if (n === null) throw pyError(EXC.ValueError, `invalid literal for int() with base ${b}: ${pyRepr(value)}`);
    return n;
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return numeric(value) as bigint;
  if (typeof value === 'number') {
    if (Number.isNaN(value)) throw pyError(EXC.ValueError, 'cannot convert float NaN to integer');
    if (!Number.isFinite(value)) throw pyError(EXC.OverflowError, 'cannot convert float infinity to integer');
    return BigInt(Math.trunc(value));
  }
  if (typeof value === 'string') {
    const n = parseIntLiteral(value, 10);
    if (n === null) throw pyError(EXC.ValueError, `invalid literal for int() with base 10: ${pyRepr(value)}`);
    return n;
  }
  throw pyError(EXC.TypeError, `int() argument must be a string or a number, not '${typeName(value)}'`);
}

export function toFloat(value: PyValue): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'boolean') return Number(numeric(value));
  if (typeof value === 'string') {
    const s = value.replace(new RegExp(`^[${WHITESPACE}]+|[${WHITESPACE}]+$`, 'g'), '');
    if (/^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/.test(s)) return Number(s);
    const special = /^([+-]?)(inf|infinity|nan)$/i.exec(s);
    if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
    throw pyError(EXC.ValueError, `could not convert string to float: ${s}`);
  }
  throw pyError(EXC.TypeError, 'float() argument must be a string or a number');
}

function isNumber(v: PyValue): v is boolean | bigint | number {
  return typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number';
}

function length(v: PyValue): bigint {
  if (typeof v === 'string' || Array.isArray(v)) return BigInt(v.length);
  if (v instanceof PyTuple) return BigInt(v.items.length);
  if (v instanceof PyDict) return BigInt(v.size);
  throw pyError(EXC.TypeError, `object of type '${typeName(v)}' has no len()`);
}

function range(args: PyValue[], kwargs: Kwargs, name: string): PyValue[] {
  if (kwargs.size > 0) throw pyError(EXC.TypeError, `${name}() does not take keyword arguments`);
  if (args.length === 0 || args.length > 3) throw pyError(EXC.TypeError, `${name} expected at least 1 arguments, got ${args.length}`);
  const ints = args.map((a) => {
    if (typeof a !== 'bigint' && typeof a !== 'boolean') throw pyError(EXC.TypeError, `${name}() integer end argument expected, got ${typeName(a)}.`);
    return numeric(a) as bigint;
  });
  const [start, stop, step] = ints.length === 1 ? [0n, ints[0]!, 1n] : [ints[0]!, ints[1]!, ints[2] ?? 1n];
  if (step === 0n) throw pyError(EXC.ValueError, `${name}() step argument must not be zero`);
  const count = step > 0n ? (stop - start + step - 1n) / step : (start - stop - step - 1n) / -step;
  if (count <= 0n) return [];
  checkSize(count);
  return Array.from({ length: Number(count) }, (_, i) => start + BigInt(i) * step);
}

/** min() and max(): one iterable or several arguments, optional key=. */
function extreme(name: string, sign: number, args: PyValue[], kwargs: Kwargs, rt: Runtime): PyValue {
  const [key] = bindArgs(name, [], kwargs, ['key'], 0);
  if (args.length === 0) throw pyError(EXC.TypeError, `${name} expected 1 arguments, got 0`);
  const items = args.length === 1 ? iterate(args[0]!) : args;
  if (items.length === 0) throw pyError(EXC.ValueError, `${name}() arg is an empty sequence`);
  const keyOf = (v: PyValue) => (key === undefined ? v : rt.call(key, [v]));
  let best: PyValue = items[0]!;
  let bestKey = keyOf(best);
  for (const item of items.slice(1)) {
    const k = keyOf(item);
    if (pyCompare(k, bestKey) * sign > 0) {
      best = item;
      bestKey = k;
    }
  }
  return best;
}

/** round(x[, n]) in Python 2: a float, the exact value's halves rounded away from zero. */
function round(x: number, digits: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const q = scaledRound(x, digits, 'away');
  return (x < 0 ? -1 : 1) * Number(`${q}e${-digits}`);
}

function radixArgument(name: 'hex' | 'oct', v: PyValue): bigint {
  if (typeof v !== 'bigint' && typeof v !== 'boolean') throw pyError(EXC.TypeError, `${name}() argument can't be converted to ${name}`);
  const n = numeric(v) as bigint;
  chargeInts(n, 0n);
  return n;
}

function isInstance(value: PyValue, cls: PyValue): boolean {
  if (cls instanceof PyTuple) return cls.items.some((c) => isInstance(value, c));
  if (cls instanceof PyExceptionType) return value instanceof PyException && value.type.isSubclassOf(cls);
  if (!(cls instanceof PyBuiltin) || !cls.typeName) {
    throw pyError(EXC.TypeError, 'isinstance() arg 2 must be a class, type, or tuple of classes and types');
  }
  const actual = typeName(value);
  switch (cls.typeName) {
    case 'basestring':
      return actual === 'str';
    case 'int':
      return actual === 'int' || actual === 'bool';
    case 'long':
      return actual === 'long';
    default:
      return actual === cls.typeName;
  }
}

// ---------------------------------------------------------------- the table

export function makeBuiltins(rt: Runtime): Map<string, PyValue> {
  const types = new Map<string, PyBuiltin>();
  const type = (name: string, fn: (args: PyValue[], kwargs: Kwargs) => PyValue) => {
    const t = new PyBuiltin(name, fn, name);
    types.set(name, t);
    return t;
  };
  const one = (name: string, args: PyValue[], kwargs: Kwargs) => bindArgs(name, args, kwargs, ['x'])[0]!;
  const optional = (name: string, args: PyValue[], kwargs: Kwargs) => bindArgs(name, args, kwargs, ['x'], 0)[0];

  const table: Record<string, PyValue> = {
    // execfile() with empty globals finds __name__ in the builtins module.
    __name__: '__builtin__',
    int: type('int', (args, kwargs) => {
      const [x, base] = bindArgs('int', args, kwargs, ['x', 'base'], 0);
      return x === undefined ? 0n : toInt(x, base);
    }),
    long: type('long', (args, kwargs) => {
      const [x, base] = bindArgs('long', args, kwargs, ['x', 'base'], 0);
      return x === undefined ? 0n : toInt(x, base);
    }),
    float: type('float', (args, kwargs) => {
      const x = optional('float', args, kwargs);
      return x === undefined ? 0 : toFloat(x);
    }),
    str: type('str', (args, kwargs) => {
      const x = optional('str', args, kwargs);
      return x === undefined ? '' : pyStr(x);
    }),
    bool: type('bool', (args, kwargs) => {
      const x = optional('bool', args, kwargs);
      return x !== undefined && truthy(x);
    }),
    list: type('list', (args, kwargs) => {
      const x = optional('list', args, kwargs);
      return x === undefined ? [] : iterate(x);
    }),
    tuple: type('tuple', (args, kwargs) => {
      const x = optional('tuple', args, kwargs);
      return new PyTuple(x === undefined ? [] : iterate(x));
    }),
    dict: type('dict', (args, kwargs) => {
      const d = new PyDict();
      updateDict(d, bindArgs('dict', args, NO_KWARGS, ['mapping'], 0)[0], kwargs);
      return d;
    }),
    basestring: type('basestring', () => {
      throw pyError(EXC.TypeError, 'The basestring type cannot be instantiated');
    }),
    len: builtin('len', (args, kwargs) => length(one('len', args, kwargs))),
    range: builtin('range', (args, kwargs) => range(args, kwargs, 'range')),
    xrange: builtin('xrange', (args, kwargs) => range(args, kwargs, 'xrange')),
    repr: builtin('repr', (args, kwargs) => pyRepr(one('repr', args, kwargs))),
    abs: builtin('abs', (args, kwargs) => {
      const x = one('abs', args, kwargs);
      if (typeof x === 'number') return Math.abs(x);
      if (typeof x === 'bigint' || typeof x === 'boolean') {
        const n = numeric(x) as bigint;
        chargeInts(n, 0n);
        return n < 0n ? -n : n;
      }
      throw pyError(EXC.TypeError, `bad operand type for abs(): '${typeName(x)}'`);
    }),
    min: builtin('min', (args, kwargs) => extreme('min', -1, args, kwargs, rt)),
    max: builtin('max', (args, kwargs) => extreme('max', 1, args, kwargs, rt)),
    sum: builtin('sum', (args, kwargs) => {
      const [items, start = 0n] = bindArgs('sum', args, kwargs, ['iterable', 'start'], 1);
      if (typeof start === 'string') throw pyError(EXC.TypeError, "sum() can't sum strings [use ''.join(seq) instead]");
      return iterate(items!).reduce<PyValue>((acc, x) => {
        if (!isNumber(acc) || !isNumber(x)) {
          throw pyError(EXC.TypeError, `unsupported operand type(s) for +: '${typeName(acc)}' and '${typeName(x)}'`);
        }
        const [a, b] = [numeric(acc), numeric(x)];
        return typeof a === 'bigint' && typeof b === 'bigint' ? a + b : Number(a) + Number(b);
      }, start);
    }),
    sorted: builtin('sorted', (args, kwargs) => {
      if (kwargs.has('cmp')) unsupported('sorted(cmp=...)');
      const [items, key, reverse] = bindArgs('sorted', args, kwargs, ['iterable', 'key', 'reverse'], 1);
      const list = iterate(items!);
      sortValues(list, key, reverse, rt);
      return list;
    }),
    reversed: builtin('reversed', (args, kwargs) => iterate(one('reversed', args, kwargs)).reverse()),
    enumerate: builtin('enumerate', (args, kwargs) => {
      const [items, start = 0n] = bindArgs('enumerate', args, kwargs, ['sequence', 'start'], 1);
      const first = expectInt(start, 'enumerate() start');
      return iterate(items!).map((x, i) => new PyTuple([first + BigInt(i), x]));
    }),
    zip: builtin('zip', (args, kwargs) => {
      bindArgs('zip', [], kwargs, []);
      const lists = args.map(iterate);
      const n = lists.length === 0 ? 0 : Math.min(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => new PyTuple(lists.map((l) => l[i]!)));
    }),
    map: builtin('map', (args, kwargs) => {
      bindArgs('map', [], kwargs, []);
      const [fn, ...sources] = args;
      if (fn === undefined || sources.length === 0) throw pyError(EXC.TypeError, 'map() requires at least two args');
      const lists = sources.map(iterate);
      const n = Math.max(...lists.map((l) => l.length));
      charge(n);
      return Array.from({ length: n }, (_, i) => {
        const row = lists.map((l) => l[i] ?? null);
        if (fn === null) return row.length === 1 ? row[0]! : new PyTuple(row);
        return rt.call(fn, row);
      });
    }),
    filter: builtin('filter', (args, kwargs) => {
      const [fn, items] = bindArgs('filter', args, kwargs, ['function', 'iterable']);
      const kept = iterate(items!).filter((x) => truthy(fn === null ? x : rt.call(fn!, [x])));
      if (typeof items === 'string') return kept.join('');
      return items instanceof PyTuple ? new PyTuple(kept) : kept;
    }),
    any: builtin('any', (args, kwargs) => iterate(one('any', args, kwargs)).some(truthy)),
    all: builtin('all', (args, kwargs) => iterate(one('all', args, kwargs)).every(truthy)),
    chr: builtin('chr', (args, kwargs) => {
      const n = expectInt(one('chr', args, kwargs), 'chr() argument');
      if (n < 0n || n > 255n) throw pyError(EXC.ValueError, 'chr() arg not in range(256)');
      return String.fromCharCode(Number(n));
    }),
    ord: builtin('ord', (args, kwargs) => {
      const s = one('ord', args, kwargs);
      if (typeof s !== 'string' || s.length !== 1) {
        throw pyError(EXC.TypeError, `ord() expected a character, but string of length ${typeof s === 'string' ? s.length : 0} found`);
      }
      return BigInt(s.charCodeAt(0));
    }),
    hex: builtin('hex', (args, kwargs) => {
      const n = radixArgument('hex', one('hex', args, kwargs));
      return `${n < 0n ? '-' : ''}0x${(n < 0n ? -n : n).toString(16)}${isMachineInt(n) ? '' : 'L'}`;
    }),
    oct: builtin('oct', (args, kwargs) => {
      const n = radixArgument('oct', one('oct', args, kwargs));
      return n === 0n ? '0' : `${n < 0n ? '-' : ''}0${(n < 0n ? -n : n).toString(8)}${isMachineInt(n) ? '' : 'L'}`;
    }),
    round: builtin('round', (args, kwargs) => {
      const [x, digits = 0n] = bindArgs('round', args, kwargs, ['number', 'ndigits'], 1);
      return round(toFloat(x!), Number(expectInt(digits, 'ndigits')));
    }),
    cmp: builtin('cmp', (args, kwargs) => {
      const [a, b] = bindArgs('cmp', args, kwargs, ['x', 'y']);
      return BigInt(Math.sign(pyCompare(a!, b!) || 0));
    }),
    isinstance: builtin('isinstance', (args, kwargs) => {
      const [value, cls] = bindArgs('isinstance', args, kwargs, ['object', 'classinfo']);
      return isInstance(value!, cls!);
    }),
    type: builtin('type', (args, kwargs) => {
      const value = one('type', args, kwargs);
      if (value instanceof PyException) return value.type;
      return types.get(typeName(value)) ?? unsupported(`type() of a ${typeName(value)} value`);
    }),
    ...Object.fromEntries(Object.entries(EXC)),
  };
  table.unicode = table.str!;
  return new Map(Object.entries(table));
}
