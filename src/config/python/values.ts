/**
 * Python values as the config interpreter represents them:
 *
 *   None → null · bool → boolean · int → bigint · float → number · str → string
 *   list → PyValue[] (a plain, mutable JS array) · tuple → PyTuple · dict → PyDict
 *   functions, builtins, modules and other objects → the classes below.
 *
 * Ints are bigints so that `1` and `1.0` stay distinguishable and big values stay exact.
 * The semantics are Python 2's (xm runs its config files with Python 2).
 */
import type { Stmt, Param } from './ast.js';
import { charge, chargeInts, decimal, LimitError, MAX_SEQUENCE } from './budget.js';
import { PythonUnsupportedError } from './errors.js';

export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | PyValue[]
  | PyTuple
  | PyDict
  | PyFunction
  | PyBuiltin
  | PyObject
  | PyExceptionType
  | PyException;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** A dict keeps insertion order (iteration order of real Python 2 dicts is not reproduced here). */
export class PyDict {
  private readonly entries = new Map<string, { key: PyValue; value: PyValue }>();

  static from(pairs: Iterable<readonly [PyValue, PyValue]>): PyDict {
    const d = new PyDict();
    for (const [k, v] of pairs) d.set(k, v);
    return d;
  }

  get size(): number {
    return this.entries.size;
  }
  get(key: PyValue): PyValue | undefined {
    return this.entries.get(hashKey(key))?.value;
  }
  has(key: PyValue): boolean {
    return this.entries.has(hashKey(key));
  }
  set(key: PyValue, value: PyValue): void {
    const h = hashKey(key);
    const existing = this.entries.get(h);
    if (existing) existing.value = value;
    else this.entries.set(h, { key, value });
  }
  delete(key: PyValue): boolean {
    return this.entries.delete(hashKey(key));
  }
  keys(): PyValue[] {
    return [...this.entries.values()].map((e) => e.key);
  }
  values(): PyValue[] {
    return [...this.entries.values()].map((e) => e.value);
  }
  items(): [PyValue, PyValue][] {
    return [...this.entries.values()].map((e) => [e.key, e.value]);
  }
}

/** A Python function defined by the script. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly params: readonly Param[],
    readonly defaults: ReadonlyMap<string, PyValue>,
    readonly body: readonly Stmt[],
    /** Names bound inside the body (Python decides locality statically). */
    readonly localNames: ReadonlySet<string>,
    readonly globalNames: ReadonlySet<string>,
    readonly globals: Map<string, PyValue>,
    /** The enclosing function's frame, for closures; null for top-level functions. */
    readonly enclosing: Frame | null,
  ) {}
}

/** One activation: module level (localNames null, any name may be local) or a function call. */
export interface Frame {
  readonly locals: Map<string, PyValue>;
  readonly globals: Map<string, PyValue>;
  readonly localNames: ReadonlySet<string> | null;
  readonly globalNames: ReadonlySet<string>;
  readonly enclosing: Frame | null;
}

export type Kwargs = ReadonlyMap<string, PyValue>;
export type NativeFn = (args: PyValue[], kwargs: Kwargs) => PyValue;

/** A function implemented in TypeScript: builtins, methods, module functions. */
export class PyBuiltin {
  constructor(
    readonly name: string,
    readonly fn: NativeFn,
    /** Set for the builtin types (int, str, …) so that isinstance/type() work. */
    readonly typeName?: string,
  ) {}
}

/** A module or other attribute bag (xm_vars, match objects, sys.stdout). */
export class PyObject {
  constructor(
    readonly typeName: string,
    readonly attrs: Map<string, PyValue>,
  ) {}
}

export class PyExceptionType {
  constructor(
    readonly name: string,
    readonly base: PyExceptionType | null,
  ) {}

  isSubclassOf(other: PyExceptionType): boolean {
    for (let t: PyExceptionType | null = this; t; t = t.base) if (t === other) return true;
    return false;
  }
}

export class PyException {
  constructor(
    readonly type: PyExceptionType,
    readonly args: readonly PyValue[],
  ) {}
}

/** Thrown through the interpreter while a Python exception propagates. */
export class PyRaise extends Error {
  /** Line of the statement where the exception surfaced first. */
  line = 0;
  constructor(readonly exc: PyException) {
    super(exc.type.name);
  }
}

// ---------------------------------------------------------------- exceptions

function exceptionTypes() {
  const base = new PyExceptionType('BaseException', null);
  const exception = new PyExceptionType('Exception', base);
  const standard = new PyExceptionType('StandardError', exception);
  const lookup = new PyExceptionType('LookupError', standard);
  const arithmetic = new PyExceptionType('ArithmeticError', standard);
  const environment = new PyExceptionType('EnvironmentError', standard);
  const t = (name: string, parent: PyExceptionType) => new PyExceptionType(name, parent);
  return {
    BaseException: base,
    Exception: exception,
    StandardError: standard,
    SystemExit: t('SystemExit', base),
    KeyboardInterrupt: t('KeyboardInterrupt', base),
    LookupError: lookup,
    KeyError: t('KeyError', lookup),
    IndexError: t('IndexError', lookup),
    ArithmeticError: arithmetic,
    ZeroDivisionError: t('ZeroDivisionError', arithmetic),
    OverflowError: t('OverflowError', arithmetic),
    EnvironmentError: environment,
    IOError: t('IOError', environment),
    OSError: t('OSError', environment),
    ValueError: t('ValueError', standard),
    TypeError: t('TypeError', standard),
    NameError: t('NameError', standard),
    UnboundLocalError: t('UnboundLocalError', standard),
    AttributeError: t('AttributeError', standard),
    AssertionError: t('AssertionError', standard),
    RuntimeError: t('RuntimeError', standard),
    MemoryError: t('MemoryError', standard),
    ImportError: t('ImportError', standard),
    NotImplementedError: t('NotImplementedError', standard),
  };
}

export const EXC = exceptionTypes();

/** Raise a Python exception of the given builtin type from TypeScript code. */
export function pyError(type: PyExceptionType, ...args: PyValue[]): PyRaise {
  return new PyRaise(new PyException(type, args));
}

/** Python's str(exception). */
export function exceptionMessage(exc: PyException): string {
  const [first] = exc.args;
  if (exc.args.length === 0) return '';
  if (exc.args.length === 1) return exc.type === EXC.KeyError ? pyRepr(first!) : pyStr(first!);
  return pyRepr(new PyTuple(exc.args));
}

// ---------------------------------------------------------------- type names, truth

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

/** Python 2 keeps machine-sized `int` apart from `long`; xm only copies `int` values. */
export function isMachineInt(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

export function typeName(v: PyValue): string {
  if (v === null) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return isMachineInt(v) ? 'int' : 'long';
    case 'number':
      return 'float';
    case 'string':
      return 'str';
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return 'dict';
  if (v instanceof PyFunction) return 'function';
  if (v instanceof PyBuiltin) return v.typeName ? 'type' : 'builtin_function_or_method';
  if (v instanceof PyObject) return v.typeName;
  if (v instanceof PyExceptionType) return 'type';
  return v.type.name;
}

export function truthy(v: PyValue): boolean {
  if (v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'bigint':
      return v !== 0n;
    case 'number':
      return v !== 0;
    case 'string':
      return v.length > 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyTuple) return v.items.length > 0;
  if (v instanceof PyDict) return v.size > 0;
  return true;
}

// ---------------------------------------------------------------- str / repr

export function pyStr(v: PyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return decimal(v);
  if (typeof v === 'number') return floatStr(v);
  if (v instanceof PyException) return exceptionMessage(v);
  return pyRepr(v);
}

export function pyRepr(v: PyValue): string {
  if (v === null) return 'None';
  switch (typeof v) {
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return isMachineInt(v) ? v.toString() : `${decimal(v)}L`;
    case 'number':
      return floatRepr(v);
    case 'string':
      return stringRepr(v);
  }
  if (Array.isArray(v)) return unlessRecursive(v, '[...]', () => `[${reprJoin(v, pyRepr)}]`);
  if (v instanceof PyTuple) {
    const inner = reprJoin(v.items, pyRepr);
    return v.items.length === 1 ? `(${inner},)` : `(${inner})`;
  }
  if (v instanceof PyDict) return unlessRecursive(v, '{...}', () => `{${reprJoin(v.items(), ([k, x]) => `${pyRepr(k)}: ${pyRepr(x)}`)}}`);
  if (v instanceof PyFunction) return `<function ${v.name}>`;
  if (v instanceof PyBuiltin) return v.typeName ? `<type '${v.typeName}'>` : `<built-in function ${v.name}>`;
  if (v instanceof PyObject) return v.typeName === 'module' ? `<module '${pyStr(v.attrs.get('__name__') ?? '?')}'>` : `<${v.typeName} object>`;
  if (v instanceof PyExceptionType) return `<type 'exceptions.${v.name}'>`;
  const args = v.args.length === 1 ? `(${pyRepr(v.args[0]!)})` : pyRepr(new PyTuple(v.args));
  return `${v.type.name}${args}`;
}

/**
 * Items printed and joined by ', ': charged as they are printed, and refused as
 * soon as the text passes MAX_SEQUENCE, before a list that holds one big list
 * many times (`[l]*10**5`) is printed in full.
 */
function reprJoin<T>(items: readonly T[], repr: (item: T) => string): string {
  let length = 0;
  const parts = items.map((item) => {
    const text = repr(item);
    length += text.length + 2;
    charge(text.length + 2);
    if (length > MAX_SEQUENCE) throw new LimitError('MemoryError', `the text of a value is over the limit of ${MAX_SEQUENCE} characters`);
    return text;
  });
  return parts.join(', ');
}

const beingPrinted = new Set<object>();

/** A list that contains itself prints as [...], as in Python. */
function unlessRecursive(container: object, placeholder: string, print: () => string): string {
  if (beingPrinted.has(container)) return placeholder;
  beingPrinted.add(container);
  try {
    return print();
  } finally {
    beingPrinted.delete(container);
  }
}

function stringRepr(s: string): string {
  charge(s.length);
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + quote;
}

/** The shortest digits that round-trip, and the decimal exponent of the first one. */
function shortestDigits(x: number): { digits: string; exp: number } {
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  return { digits: mantissa.replace('.', ''), exp: Number(exp) };
}

/** |x| as m * 2^e exactly. */
function binaryParts(x: number): { m: bigint; e: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const high = view.getUint32(0);
  const biased = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  return biased === 0 ? { m: fraction, e: -1074 } : { m: fraction | (1n << 52n), e: biased - 1075 };
}

/**
 * |x| * 10^shift rounded to an integer, computed exactly. Ties go to even, as in
 * C's printf (and so Python's % formatting; JS's toFixed rounds them up), or away
 * from zero, as Python 2's round() does.
 */
export function scaledRound(x: number, shift: number, ties: 'even' | 'away' = 'even'): bigint {
  const { m, e } = binaryParts(x);
  let num = e >= 0 ? m << BigInt(e) : m;
  let den = e >= 0 ? 1n : 1n << BigInt(-e);
  if (shift >= 0) num *= 10n ** BigInt(shift);
  else den *= 10n ** BigInt(-shift);
  const q = num / den;
  const twice = 2n * (num % den);
  return twice > den || (twice === den && (ties === 'away' || (q & 1n) === 1n)) ? q + 1n : q;
}

/** |x| rounded to `count` significant digits, and the decimal exponent of the first digit. */
function significantDigits(x: number, count: number): { digits: string; exp: number } {
  let exp = shortestDigits(x).exp;
  for (;;) {
    const q = scaledRound(x, count - 1 - exp);
    if (q !== 0n && q < 10n ** BigInt(count - 1)) exp--;
    else if (q >= 10n ** BigInt(count)) exp++;
    else return { digits: q.toString().padStart(count, '0'), exp };
  }
}

function sign(x: number): string {
  return x < 0 || Object.is(x, -0) ? '-' : '';
}

function specialFloat(x: number): string | null {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  return null;
}

/** Digits with the decimal point placed for exponent `exp` (the exponent of the first digit). */
function placePoint(digits: string, exp: number): string {
  if (exp < 0) return `0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  return `${intPart}.${digits.slice(exp + 1) || '0'}`;
}

function exponentForm(digits: string, exp: number): string {
  return (digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits) + exponentSuffix(exp);
}

/** repr(float): shortest round-trip digits, exponent form outside 1e-4 ≤ |x| < 1e16. */
export function floatRepr(x: number): string {
  const special = specialFloat(x);
  if (special !== null) return special;
  const { digits, exp } = shortestDigits(x);
  return sign(x) + (exp >= -4 && exp < 16 ? placePoint(digits, exp) : exponentForm(digits, exp));
}

/** Python 2's str(float): 12 significant digits, exponent form from 1e11 on, '.0' on whole numbers. */
function floatStr(x: number): string {
  const special = specialFloat(x);
  if (special !== null) return special;
  const rounded = significantDigits(x, 12);
  const digits = rounded.digits.replace(/0+$/, '') || '0';
  return sign(x) + (rounded.exp >= -4 && rounded.exp < 11 ? placePoint(digits, rounded.exp) : exponentForm(digits, rounded.exp));
}

function exponentSuffix(exp: number): string {
  return `e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** The `#` flag of %e, %f and %g: always a decimal point. */
export function withPoint(s: string): string {
  const [mantissa, exponent = ''] = s.split(/(?=e)/) as [string, string?];
  return mantissa.includes('.') ? s : `${mantissa}.${exponent}`;
}

/** C's %.<precision>e with Python's two-digit minimum exponent. */
export function formatE(x: number, precision: number): string {
  if (x === 0) return `${sign(x)}${precision > 0 ? '0.' + '0'.repeat(precision) : '0'}e+00`;
  const { digits, exp } = significantDigits(x, precision + 1);
  return sign(x) + (precision > 0 ? `${digits[0]}.${digits.slice(1)}` : digits) + exponentSuffix(exp);
}

/** C's %.<precision>f. */
export function formatF(x: number, precision: number): string {
  const digits = scaledRound(x, precision).toString().padStart(precision + 1, '0');
  const cut = digits.length - precision;
  return sign(x) + digits.slice(0, cut) + (precision > 0 ? `.${digits.slice(cut)}` : '');
}

/** C's %g: precision significant digits, trailing zeros dropped unless `alternate`. */
export function formatG(x: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : significantDigits(x, p).exp;
  const s = exp >= -4 && exp < p ? formatF(x, p - 1 - exp) : formatE(x, p - 1);
  if (alternate) return withPoint(s);
  const [mantissa, exponent = ''] = s.split(/(?=e)/) as [string, string?];
  return (mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa) + exponent;
}

// ---------------------------------------------------------------- equality, ordering, hashing

function isNumeric(v: PyValue): v is boolean | bigint | number {
  return typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'number';
}

/** bool and int as one bigint; float stays a number. */
export function numeric(v: boolean | bigint | number): bigint | number {
  return typeof v === 'boolean' ? (v ? 1n : 0n) : v;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    chargeInts(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}

export function pyEquals(a: PyValue, b: PyValue): boolean {
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(numeric(a), numeric(b)) === 0;
  if (typeof a === 'string' && typeof b === 'string') charge(Math.min(a.length, b.length));
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return sequenceEquals(a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return sequenceEquals(a.items, b.items);
  if (a instanceof PyDict && b instanceof PyDict) {
    return a.size === b.size && a.items().every(([k, v]) => b.has(k) && pyEquals(v, b.get(k)!));
  }
  if (a instanceof PyException && b instanceof PyException) return a === b;
  return a === b;
}

/** Python compares the items of containers identity first, so `[l]*n == [l]*n` never walks l. */
function sequenceEquals(a: readonly PyValue[], b: readonly PyValue[]): boolean {
  if (a.length !== b.length) return false;
  charge(a.length);
  return a.every((x, i) => x === b[i] || pyEquals(x, b[i]!));
}

/**
 * Python 2 ordering: numbers by value, sequences lexicographically, None below
 * everything, other mixed types by type name. Returns NaN for unordered floats.
 */
export function pyCompare(a: PyValue, b: PyValue): number {
  if (isNumeric(a) && isNumeric(b)) return compareNumbers(numeric(a), numeric(b));
  if (typeof a === 'string' && typeof b === 'string') {
    charge(Math.min(a.length, b.length));
    return a < b ? -1 : a > b ? 1 : 0;
  }
  if (Array.isArray(a) && Array.isArray(b)) return compareSequences(a, b);
  if (a instanceof PyTuple && b instanceof PyTuple) return compareSequences(a.items, b.items);
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (isNumeric(a)) return -1;
  if (isNumeric(b)) return 1;
  if (a instanceof PyDict && b instanceof PyDict) {
    if (a.size !== b.size) return a.size < b.size ? -1 : 1;
    throw new PythonUnsupportedError('ordering of dicts');
  }
  const ta = typeName(a);
  const tb = typeName(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return pyEquals(a, b) ? 0 : -1;
}

function compareSequences(a: readonly PyValue[], b: readonly PyValue[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    charge(1);
    if (a[i] !== b[i] && !pyEquals(a[i]!, b[i]!)) return pyCompare(a[i]!, b[i]!);
  }
  return a.length - b.length;
}

/** A string key under which equal Python values (1, 1.0, True) collide, as Python's hash does. */
function hashKey(v: PyValue): string {
  if (v === null) return 'N';
  switch (typeof v) {
    case 'boolean':
      return v ? 'n1' : 'n0';
    case 'bigint':
      return `n${decimal(v)}`;
    case 'number':
      return Number.isInteger(v) ? `n${BigInt(v)}` : `f${v}`;
    case 'string':
      charge(v.length);
      return `s${v}`;
  }
  if (v instanceof PyTuple) {
    charge(v.items.length);
    return `t(${v.items.map(hashKey).join(',')})`;
  }
  if (Array.isArray(v) || v instanceof PyDict) throw pyError(EXC.TypeError, `unhashable type: '${typeName(v)}'`);
  return `o${identity(v)}`;
}

const identities = new WeakMap<object, number>();
let lastIdentity = 0;
function identity(o: object): number {
  let id = identities.get(o);
  if (id === undefined) identities.set(o, (id = ++lastIdentity));
  return id;
}

// ---------------------------------------------------------------- plain JS

/** Marks the end of a container's items in writtenSize's walk. */
class Leave {
  constructor(readonly container: object) {}
}

/**
 * How many items and characters `values` have written out in full, a value
 * held many times counted each time (as converting them to SXP or plain data
 * would), counted up to just past `limit`. A container inside itself counts once.
 */
export function writtenSize(values: readonly PyValue[], limit: number): number {
  let size = 0;
  const onPath = new Set<object>();
  const stack: (PyValue | Leave)[] = [...values];
  while (stack.length > 0 && size <= limit) {
    const v = stack.pop()!;
    if (v instanceof Leave) {
      onPath.delete(v.container);
      continue;
    }
    size += typeof v === 'string' ? v.length : 1;
    const items = Array.isArray(v) ? v : v instanceof PyTuple ? v.items : v instanceof PyDict ? v.items().flat() : null;
    if (!items || onPath.has(items)) continue;
    if (size + items.length > limit) return size + items.length;
    onPath.add(items);
    stack.push(new Leave(items));
    for (const item of items) stack.push(item);
  }
  return size;
}

/** The value as plain JS data: ints become numbers when exact, tuples arrays, dicts objects. */
export type PlainValue = null | boolean | number | bigint | string | PlainValue[] | { [key: string]: PlainValue };

export function toPlain(v: PyValue): PlainValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof PyTuple) return v.items.map(toPlain);
  if (v instanceof PyDict) return Object.fromEntries(v.items().map(([k, x]) => [pyStr(k), toPlain(x)]));
  return pyRepr(v);
}
