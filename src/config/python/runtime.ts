/** What builtins and modules need from the interpreter, and argument helpers for them. */
import { charge } from './budget.js';
import { PythonUnsupportedError } from './errors.js';
import { EXC, PyBuiltin, PyDict, PyObject, PyTuple, numeric, pyError, typeName, type Kwargs, type NativeFn, type PyValue } from './values.js';

export interface Runtime {
  call(fn: PyValue, args: PyValue[], kwargs?: Kwargs): PyValue;
  write(stream: 'stdout' | 'stderr', text: string): void;
}

export const NO_KWARGS: Kwargs = new Map();

/**
 * Binds positional and keyword arguments to parameter names, Python-style.
 * `required` leading parameters must be given; the rest come back undefined when absent.
 */
export function bindArgs(
  fname: string,
  args: readonly PyValue[],
  kwargs: Kwargs,
  params: readonly string[],
  required = params.length,
): (PyValue | undefined)[] {
  if (args.length > params.length) {
    const quantity = required === params.length ? 'exactly' : 'at most';
    throw pyError(EXC.TypeError, `${fname}() takes ${quantity} ${plural(params.length)} (${args.length} given)`);
  }
  const bound: (PyValue | undefined)[] = params.map((_, i) => args[i]);
  for (const [name, value] of kwargs) {
    const i = params.indexOf(name);
    if (i < 0) throw pyError(EXC.TypeError, `${fname}() got an unexpected keyword argument '${name}'`);
    if (bound[i] !== undefined) throw pyError(EXC.TypeError, `${fname}() got multiple values for keyword argument '${name}'`);
    bound[i] = value;
  }
  for (let i = 0; i < required; i++) {
    if (bound[i] === undefined) {
      const quantity = required === params.length ? 'exactly' : 'at least';
      throw pyError(EXC.TypeError, `${fname}() takes ${quantity} ${plural(required)} (${args.length + kwargs.size} given)`);
    }
  }
  return bound;
}

function plural(n: number): string {
  return `${n} argument${n === 1 ? '' : 's'}`;
}

export function expectStr(v: PyValue | undefined, what: string): string {
  if (typeof v === 'string') return v;
  throw pyError(EXC.TypeError, `${what} must be str, not ${typeName(v ?? null)}`);
}

/** An int argument (bools count, as in Python). */
export function expectInt(v: PyValue | undefined, what: string): bigint {
  if (typeof v === 'bigint' || typeof v === 'boolean') return numeric(v) as bigint;
  throw pyError(EXC.TypeError, `${what} must be an integer, not ${typeName(v ?? null)}`);
}

/** The items a `for` loop over the value visits (a copy, charged). */
export function iterate(v: PyValue): PyValue[] {
  if (Array.isArray(v) || v instanceof PyTuple || typeof v === 'string') {
    const items = v instanceof PyTuple ? v.items : v;
    charge(items.length);
    return [...items];
  }
  if (v instanceof PyDict) {
    charge(v.size);
    return v.keys();
  }
  throw pyError(EXC.TypeError, `'${typeName(v)}' object is not iterable`);
}

export function builtin(name: string, fn: NativeFn): PyBuiltin {
  return new PyBuiltin(name, fn);
}

/** A module; the interpreter reports a missing attribute as "not supported", as the real module may have it. */
export function makeModule(name: string, attrs: Record<string, PyValue>): PyObject {
  return new PyObject('module', new Map<string, PyValue>([['__name__', name], ...Object.entries(attrs)]));
}

export function unsupported(construct: string): never {
  throw new PythonUnsupportedError(construct);
}
