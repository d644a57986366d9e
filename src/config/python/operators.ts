/** Python 2 operators, comparisons and subscripting on interpreter values. */
import type { BinaryOp, CompareOp } from './ast.js';
import { percentFormat } from './format.js';
import { bitLength, charge, chargeBits, chargeInts, checkBits, checkSize } from './budget.js';
import { EXC, PyDict, PyTuple, numeric, pyCompare, pyEquals, pyError, typeName, type PyValue } from './values.js';

type Num = bigint | number;

function asNumber(v: PyValue): Num | null {
  return typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number' ? numeric(v) : null;
}

function unsupportedOperands(op: string, a: PyValue, b: PyValue): never {
  throw pyError(EXC.TypeError, `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

/** An int result, refused when it is too big to keep. */
function sized(n: bigint): bigint {
  checkBits(bitLength(n));
  return n;
}


function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function modulo(a: Num, b: Num): Num {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    if (b === 0n) throw pyError(EXC.ZeroDivisionError, 'integer division or modulo by zero');
    const r = a % b;
    return r !== 0n && (r < 0n) !== (b < 0n) ? r + b : r;
  }
  const [x, y] = [Number(a), Number(b)];
  if (y === 0) throw pyError(EXC.ZeroDivisionError, 'float modulo');
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

function divide(a: Num, b: Num, floor: boolean, trueDivision: boolean): Num {
  if (typeof a === 'bigint' && typeof b === 'bigint' && (floor || !trueDivision)) {
    if (b === 0n) throw pyError(EXC.ZeroDivisionError, 'integer division or modulo by zero');
    return floorDiv(a, b);
  }
  const [x, y] = [Number(a), Number(b)];
  if (y === 0) throw pyError(EXC.ZeroDivisionError, 'float division by zero');
  return floor ? Math.floor(x / y) : x / y;
}

function power(a: Num, b: Num): Num {
  if (typeof a === 'bigint' && typeof b === 'bigint' && b >= 0n) {
    // log2|a| × b bits, refused before the power is computed.
    const log2 = a > -(2n ** 53n) && a < 2n ** 53n ? Math.log2(Math.abs(Number(a))) : bitLength(a);
    if (a !== 0n && a !== 1n && a !== -1n) {
      const bits = Math.ceil(log2 * Number(b));
      checkBits(bits);
      chargeBits(bits / 2, bits / 2, true);
    }
    return a ** b;
  }
  const [x, y] = [Number(a), Number(b)];
  if (x === 0 && y < 0) throw pyError(EXC.ZeroDivisionError, '0.0 cannot be raised to a negative power');
  if (x < 0 && !Number.isInteger(y)) throw pyError(EXC.ValueError, 'negative number cannot be raised to a fractional power');
  return x ** y;
}

function integerOp(op: BinaryOp, a: PyValue, b: PyValue): PyValue {
  const x = asNumber(a);
  const y = asNumber(b);
  if (typeof x !== 'bigint' || typeof y !== 'bigint') return unsupportedOperands(op, a, b);
  const bothBool = typeof a === 'boolean' && typeof b === 'boolean';
  switch (op) {
    case '<<':
      if (y < 0n) throw pyError(EXC.ValueError, 'negative shift count');
      checkBits(y);
      charge(Number(y) / 16);
      return sized(x << y);
    case '>>':
      if (y < 0n) throw pyError(EXC.ValueError, 'negative shift count');
      return x >> y;
    case '&':
      return bothBool ? a && b : x & y;
    case '|':
      return bothBool ? a || b : x | y;
    default:
      return bothBool ? a !== b : x ^ y;
  }
}

function repeat(sequence: PyValue, count: PyValue): PyValue | undefined {
  if (typeof count !== 'bigint' && typeof count !== 'boolean') return undefined;
  const n = Math.max(0, Number(numeric(count)));
  if (typeof sequence === 'string') {
    checkSize(sequence.length * n);
    return sequence.repeat(n);
  }
  const items = Array.isArray(sequence) ? sequence : sequence instanceof PyTuple ? sequence.items : null;
  if (!items) return undefined;
  checkSize(items.length * n);
  const repeated = new Array<PyValue>(items.length * n);
  for (let i = 0; i < repeated.length; i++) repeated[i] = items[i % items.length]!;
  return Array.isArray(sequence) ? repeated : new PyTuple(repeated);
}

function concatenate(a: readonly PyValue[], b: readonly PyValue[]): PyValue[] {
  checkSize(a.length + b.length);
  return a.concat(b);
}

export function binaryOp(op: BinaryOp, a: PyValue, b: PyValue, trueDivision: boolean): PyValue {
  const x = asNumber(a);
  const y = asNumber(b);
  const numbers = x !== null && y !== null;
  const ints = typeof x === 'bigint' && typeof y === 'bigint';
  if (ints) chargeInts(x as bigint, y as bigint, ['*', '/', '//', '%', '**'].includes(op));
  switch (op) {
    case '+':
      if (numbers) return ints ? (x as bigint) + (y as bigint) : Number(x) + Number(y);
      if (typeof a === 'string' && typeof b === 'string') {
        // V8 joins strings as a rope sharing the longer side: the shorter one is the work.
        checkSize(a.length + b.length, Math.min(a.length, b.length));
        return a + b;
      }
      if (Array.isArray(a) && Array.isArray(b)) return concatenate(a, b);
      if (a instanceof PyTuple && b instanceof PyTuple) return new PyTuple(concatenate(a.items, b.items));
      if (typeof a === 'string') throw pyError(EXC.TypeError, `cannot concatenate 'str' and '${typeName(b)}' objects`);
      if (Array.isArray(a)) throw pyError(EXC.TypeError, `can only concatenate list (not "${typeName(b)}") to list`);
      if (a instanceof PyTuple) throw pyError(EXC.TypeError, `can only concatenate tuple (not "${typeName(b)}") to tuple`);
      return unsupportedOperands('+', a, b);
    case '-':
      if (numbers) return ints ? (x as bigint) - (y as bigint) : Number(x) - Number(y);
      return unsupportedOperands('-', a, b);
    case '*': {
      if (numbers) return ints ? sized((x as bigint) * (y as bigint)) : Number(x) * Number(y);
      const repeated = repeat(a, b) ?? repeat(b, a);
      if (repeated !== undefined) return repeated;
      if (typeof a === 'string' || Array.isArray(a) || a instanceof PyTuple) {
        throw pyError(EXC.TypeError, `can't multiply sequence by non-int of type '${typeName(b)}'`);
      }
      return unsupportedOperands('*', a, b);
    }
    case '/':
    case '//':
      if (numbers) return divide(x, y, op === '//', trueDivision);
      return unsupportedOperands(op, a, b);
    case '%':
      if (typeof a === 'string') return percentFormat(a, b);
      if (numbers) return modulo(x, y);
      return unsupportedOperands('%', a, b);
    case '**':
      if (numbers) return power(x, y);
      return unsupportedOperands('** or pow()', a, b);
    default:
      return integerOp(op, a, b);
  }
}

export function unaryOp(op: '-' | '+' | '~', v: PyValue): PyValue {
  const n = asNumber(v);
  if (n === null) throw pyError(EXC.TypeError, `bad operand type for unary ${op}: '${typeName(v)}'`);
  if (typeof n === 'bigint') chargeInts(n, 0n);
  if (op === '-') return -n;
  if (op === '+') return n;
  if (typeof n !== 'bigint') throw pyError(EXC.TypeError, `bad operand type for unary ~: '${typeName(v)}'`);
  return -n - 1n;
}

export function contains(container: PyValue, item: PyValue): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw pyError(EXC.TypeError, `'in <string>' requires string as left operand, not ${typeName(item)}`);
    charge(container.length);
    return container.includes(item);
  }
  if (Array.isArray(container) || container instanceof PyTuple) {
    const items = container instanceof PyTuple ? container.items : container;
    charge(items.length);
    return items.some((x) => pyEquals(x, item));
  }
  if (container instanceof PyDict) return container.has(item);
  throw pyError(EXC.TypeError, `argument of type '${typeName(container)}' is not iterable`);
}

function identical(a: PyValue, b: PyValue): boolean {
  // Python caches small ints and interns short strings; value identity is the useful reading.
  return typeof a === typeof b && (typeof a === 'bigint' || typeof a === 'string' ? a === b : Object.is(a, b));
}

export function compare(op: CompareOp, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'not in':
      return !contains(b, a);
    case 'is':
      return identical(a, b);
    case 'is not':
      return !identical(a, b);
  }
  const c = pyCompare(a, b);
  if (Number.isNaN(c)) return false;
  switch (op) {
    case '<':
      return c < 0;
    case '>':
      return c > 0;
    case '<=':
      return c <= 0;
    default:
      return c >= 0;
  }
}

// ---------------------------------------------------------------- subscripts

/** The `a:b:c` inside a subscript (not a first-class value in the subset). */
export class Slice {
  constructor(
    readonly lower: PyValue,
    readonly upper: PyValue,
    readonly step: PyValue,
  ) {}
}

function sliceIndex(v: PyValue, what: string): number | null {
  if (v === null) return null;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(numeric(v));
  throw pyError(EXC.TypeError, `${what} indices must be integers or None`);
}

/** Python's slice.indices(): the positions a slice visits. */
function sliceRange(length: number, s: Slice): number[] {
  const step = sliceIndex(s.step, 'slice') ?? 1;
  if (step === 0) throw pyError(EXC.ValueError, 'slice step cannot be zero');
  const clamp = (v: number | null, fallback: number) => {
    if (v === null) return fallback;
    if (v < 0) v += length;
    return step > 0 ? Math.min(Math.max(v, 0), length) : Math.min(Math.max(v, -1), length - 1);
  };
  const start = clamp(sliceIndex(s.lower, 'slice'), step > 0 ? 0 : length - 1);
  const stop = clamp(sliceIndex(s.upper, 'slice'), step > 0 ? length : -1);
  charge(Math.max(0, Math.ceil((stop - start) / step)));
  const positions: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) positions.push(i);
  return positions;
}

function sequenceIndex(v: PyValue, length: number, kind: string): number {
  if (typeof v !== 'bigint' && typeof v !== 'boolean') throw pyError(EXC.TypeError, `${kind} indices must be integers, not ${typeName(v)}`);
  const i = Number(numeric(v));
  const resolved = i < 0 ? i + length : i;
  if (resolved < 0 || resolved >= length) throw pyError(EXC.IndexError, `${kind} index out of range`);
  return resolved;
}

export function getItem(obj: PyValue, index: PyValue | Slice): PyValue {
  const slice = index instanceof Slice ? index : null;
  if (typeof obj === 'string') {
    if (slice) return sliceRange(obj.length, slice).map((i) => obj[i]).join('');
    return obj[sequenceIndex(index as PyValue, obj.length, 'string')]!;
  }
  if (Array.isArray(obj)) {
    if (slice) return sliceRange(obj.length, slice).map((i) => obj[i]!);
    return obj[sequenceIndex(index as PyValue, obj.length, 'list')]!;
  }
  if (obj instanceof PyTuple) {
    if (slice) return new PyTuple(sliceRange(obj.items.length, slice).map((i) => obj.items[i]!));
    return obj.items[sequenceIndex(index as PyValue, obj.items.length, 'tuple')]!;
  }
  if (obj instanceof PyDict && !slice) {
    const value = obj.get(index as PyValue);
    if (value === undefined) throw pyError(EXC.KeyError, index as PyValue);
    return value;
  }
  throw pyError(EXC.TypeError, `'${typeName(obj)}' object has no attribute '__getitem__'`);
}

export function setItem(obj: PyValue, index: PyValue | Slice, value: PyValue): void {
  if (Array.isArray(obj)) {
    if (index instanceof Slice) {
      const items = Array.isArray(value) ? [...value] : value instanceof PyTuple ? [...value.items] : typeof value === 'string' ? [...value] : null;
      if (!items) throw pyError(EXC.TypeError, 'can only assign an iterable');
      if ((sliceIndex(index.step, 'slice') ?? 1) === 1) {
        const bound = (v: number | null, fallback: number) =>
          v === null ? fallback : Math.min(Math.max(v < 0 ? v + obj.length : v, 0), obj.length);
        const start = bound(sliceIndex(index.lower, 'slice'), 0);
        const stop = Math.max(start, bound(sliceIndex(index.upper, 'slice'), obj.length));
        const length = obj.length - (stop - start) + items.length;
        checkSize(length, length - start);
        replaceRange(obj, start, stop, items);
        return;
      }
      const positions = sliceRange(obj.length, index);
      if (items.length !== positions.length) {
        throw pyError(EXC.ValueError, `attempt to assign sequence of size ${items.length} to extended slice of size ${positions.length}`);
      }
      positions.forEach((p, i) => (obj[p] = items[i]!));
      return;
    }
    obj[sequenceIndex(index, obj.length, 'list assignment')] = value;
    return;
  }
  if (obj instanceof PyDict && !(index instanceof Slice)) {
    obj.set(index, value);
    return;
  }
  throw pyError(EXC.TypeError, `'${typeName(obj)}' object does not support item assignment`);
}

/** list[start:stop] = items, without spreading items into arguments (a huge list would overflow the stack). */
function replaceRange(list: PyValue[], start: number, stop: number, items: readonly PyValue[]): void {
  const tail = list.slice(stop);
  list.length = start;
  for (const item of items) list.push(item);
  for (const item of tail) list.push(item);
}

export function deleteItem(obj: PyValue, index: PyValue | Slice): void {
  if (Array.isArray(obj)) {
    if (index instanceof Slice) {
      const doomed = new Set(sliceRange(obj.length, index));
      charge(obj.length);
      replaceRange(obj, 0, obj.length, obj.filter((_, i) => !doomed.has(i)));
    } else {
      const i = sequenceIndex(index, obj.length, 'list assignment');
      charge(obj.length - i);
      obj.splice(i, 1);
    }
    return;
  }
  if (obj instanceof PyDict && !(index instanceof Slice)) {
    if (!obj.delete(index)) throw pyError(EXC.KeyError, index);
    return;
  }
  throw pyError(EXC.TypeError, `'${typeName(obj)}' object doesn't support item deletion`);
}

