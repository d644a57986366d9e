/**
 * Tree-walking evaluator for the subset. Python exceptions travel as PyRaise;
 * what escapes the script becomes a PythonRuntimeError. A step budget (budget.ts)
 * and a call depth limit stop runaway scripts; neither can be caught by the script.
 */
import type { BinaryOp, Comprehension, Expr, Module, Param, Stmt } from './ast.js';
import { MISSING_PY2_BUILTINS, makeBuiltins } from './builtins.js';
import { PythonRuntimeError, PythonUnsupportedError } from './errors.js';
import { lookupMethod } from './methods.js';
import { moduleRegistry, type PythonHost } from './modules.js';
import { binaryOp, compare, deleteItem, getItem, setItem, Slice, unaryOp } from './operators.js';
import { Budget, checkSize, LimitError, withBudget } from './budget.js';
import { iterate, NO_KWARGS, unsupported, type Runtime } from './runtime.js';
import { functionScope, moduleGlobals } from './scope.js';
import {
  EXC,
  PyBuiltin,
  PyDict,
  PyException,
  PyExceptionType,
  PyFunction,
  PyObject,
  PyRaise,
  PyTuple,
  exceptionMessage,
  pyError,
  pyStr,
  truthy,
  typeName,
  type Frame,
  type Kwargs,
  type PyValue,
} from './values.js';

type Completion = { kind: 'break' } | { kind: 'continue' } | { kind: 'return'; value: PyValue } | undefined;

const BREAK: Completion = { kind: 'break' };
const CONTINUE: Completion = { kind: 'continue' };

export interface InterpreterOptions {
  /** The script's path, which a limit's message names. */
  file: string;
  host: PythonHost;
  argv: readonly string[];
  maxSteps: number;
  maxDepth: number;
  /** Names real xm's namespace has that this one lacks: using them is "not supported". */
  missingNames: ReadonlySet<string>;
}

export class Interpreter implements Runtime {
  stdout = '';
  stderr = '';
  readonly importModule: (name: string) => PyObject | undefined;
  private readonly builtins: Map<string, PyValue>;
  private readonly softspace = new Map<PyValue, boolean>();
  private readonly handling: PyException[] = [];
  private readonly budget: Budget;
  private depth = 0;
  private line = 0;
  private trueDivision = false;

  constructor(private readonly options: InterpreterOptions) {
    this.budget = new Budget(options.maxSteps);
    this.builtins = makeBuiltins(this);
    this.importModule = moduleRegistry(options.host, options.argv, this);
  }

  /** Runs a module with separate locals and globals, as Python's execfile(file, globals, locals). */
  execute(module: Module, locals: Map<string, PyValue>, globals: Map<string, PyValue>): void {
    this.trueDivision = module.trueDivision;
    const frame: Frame = { locals, globals, localNames: null, globalNames: moduleGlobals(module.body), enclosing: null };
    try {
      withBudget(this.budget, () => this.block(module.body, frame));
    } catch (e) {
      if (e instanceof PyRaise) throw new PythonRuntimeError(e.exc.type.name, exceptionMessage(e.exc), e.line);
      if (e instanceof LimitError) throw new PythonRuntimeError(e.pyType, `${this.options.file}: line ${this.line}: ${e.message}`, this.line);
      if (e instanceof RangeError && /call stack/i.test(e.message)) {
        throw new PythonRuntimeError('RuntimeError', 'maximum recursion depth exceeded', this.line);
      }
      // Every size is checked before it is built; should one slip through, V8's refusal is still the script's limit.
      if (e instanceof RangeError && /^Invalid (string|array|typed array) length/.test(e.message)) {
        throw new PythonRuntimeError('MemoryError', `${this.options.file}: line ${this.line}: ${e.message}`, this.line);
      }
      throw e;
    }
  }

  // ------------------------------------------------------------ Runtime

  call(fn: PyValue, args: PyValue[], kwargs: Kwargs = NO_KWARGS): PyValue {
    if (fn instanceof PyBuiltin) return fn.fn(args, kwargs);
    if (fn instanceof PyFunction) return this.invoke(fn, args, kwargs);
    if (fn instanceof PyExceptionType) {
      if (kwargs.size > 0) throw pyError(EXC.TypeError, `${fn.name} does not take keyword arguments`);
      return new PyException(fn, args);
    }
    throw pyError(EXC.TypeError, `'${typeName(fn)}' object is not callable`);
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    checkSize(this[stream].length + text.length, text.length);
    this[stream] += text;
  }

  // ------------------------------------------------------------ statements

  private block(body: readonly Stmt[], frame: Frame): Completion {
    for (const s of body) {
      const completion = this.statement(s, frame);
      if (completion) return completion;
    }
    return undefined;
  }

  private statement(s: Stmt, frame: Frame): Completion {
    this.line = s.line;
    this.budget.spend(1);
    try {
      return this.dispatch(s, frame);
    } catch (e) {
      if (e instanceof PyRaise && e.line === 0) e.line = s.line;
      if (e instanceof PythonUnsupportedError) e.atLine(s.line);
      throw e;
    }
  }

  private dispatch(s: Stmt, frame: Frame): Completion {
    switch (s.k) {
      case 'expr':
        this.eval(s.value, frame);
        return;
      case 'assign': {
        const value = this.eval(s.value, frame);
        for (const t of s.targets) this.assign(t, value, frame);
        return;
      }
      case 'augassign':
        this.augmentedAssign(s.target, s.op, s.value, frame);
        return;
      case 'print':
        this.print(s.dest, s.values, s.newline, frame);
        return;
      case 'del':
        this.delete(s.target, frame);
        return;
      case 'pass':
      case 'global':
        return;
      case 'break':
        return BREAK;
      case 'continue':
        return CONTINUE;
      case 'return':
        return { kind: 'return', value: s.value ? this.eval(s.value, frame) : null };
      case 'raise':
        throw this.raise(s.type, s.message, frame);
      case 'import':
        for (const { module, asname } of s.names) {
          const imported = this.importModule(module) ?? unsupported(`import ${module}`);
          if (asname) this.store(asname, imported, frame);
          else this.store(module.split('.')[0]!, this.importModule(module.split('.')[0]!)!, frame);
        }
        return;
      case 'from':
        this.fromImport(s.module, s.names, frame);
        return;
      case 'if':
        return this.block(truthy(this.eval(s.test, frame)) ? s.body : s.orelse, frame);
      case 'while':
        return this.whileLoop(s.test, s.body, s.orelse, frame);
      case 'for':
        return this.forLoop(s.target, this.eval(s.iter, frame), s.body, s.orelse, frame);
      case 'try':
        return this.tryStatement(s, frame);
      case 'def':
        this.store(s.name, this.makeFunction(s.name, s.params, s.body, frame), frame);
        return;
      case 'assert':
        if (!truthy(this.eval(s.test, frame))) {
          throw pyError(EXC.AssertionError, ...(s.message ? [this.eval(s.message, frame)] : []));
        }
        return;
    }
  }

  private whileLoop(test: Expr, body: readonly Stmt[], orelse: readonly Stmt[], frame: Frame): Completion {
    while (truthy(this.eval(test, frame))) {
      this.budget.spend(1);
      const c = this.block(body, frame);
      if (c === BREAK) return undefined;
      if (c?.kind === 'return') return c;
    }
    return this.block(orelse, frame);
  }

  private forLoop(target: Expr, iterable: PyValue, body: readonly Stmt[], orelse: readonly Stmt[], frame: Frame): Completion {
    // A list is walked live, as Python does, so appending inside the loop is seen.
    const items = Array.isArray(iterable) ? iterable : iterate(iterable);
    for (let i = 0; i < items.length; i++) {
      this.budget.spend(1);
      this.assign(target, items[i]!, frame);
      const c = this.block(body, frame);
      if (c === BREAK) return undefined;
      if (c?.kind === 'return') return c;
    }
    return this.block(orelse, frame);
  }

  private tryStatement(s: Extract<Stmt, { k: 'try' }>, frame: Frame): Completion {
    let outcome: Completion;
    let pending: PyRaise | null = null;
    try {
      outcome = this.tryBody(s, frame);
    } catch (e) {
      if (!(e instanceof PyRaise) || s.finalbody.length === 0) throw e;
      pending = e;
    }
    const fin = this.block(s.finalbody, frame);
    if (fin) return fin;
    if (pending) throw pending;
    return outcome;
  }

  private tryBody(s: Extract<Stmt, { k: 'try' }>, frame: Frame): Completion {
    let completion: Completion;
    try {
      completion = this.block(s.body, frame);
    } catch (e) {
      if (!(e instanceof PyRaise)) throw e;
      const handler = s.handlers.find((h) => !h.type || this.matches(e.exc, this.eval(h.type, frame)));
      if (!handler) throw e;
      if (handler.target) this.assign(handler.target, e.exc, frame);
      this.handling.push(e.exc);
      try {
        return this.block(handler.body, frame);
      } finally {
        this.handling.pop();
      }
    }
    return completion ?? this.block(s.orelse, frame);
  }

  private matches(exc: PyException, spec: PyValue): boolean {
    if (spec instanceof PyExceptionType) return exc.type.isSubclassOf(spec);
    if (spec instanceof PyTuple) return spec.items.some((t) => this.matches(exc, t));
    return false;
  }

  private raise(typeExpr: Expr | null, messageExpr: Expr | null, frame: Frame): PyRaise {
    if (!typeExpr) {
      const current = this.handling[this.handling.length - 1];
      if (!current) return pyError(EXC.TypeError, 'exceptions must be old-style classes or derived from BaseException, not NoneType');
      return new PyRaise(current);
    }
    const type = this.eval(typeExpr, frame);
    const message = messageExpr ? this.eval(messageExpr, frame) : undefined;
    if (type instanceof PyExceptionType) {
      const args = message === undefined ? [] : message instanceof PyTuple ? [...message.items] : [message];
      return new PyRaise(new PyException(type, args));
    }
    if (type instanceof PyException) {
      if (message !== undefined) return pyError(EXC.TypeError, 'instance exception may not have a separate value');
      return new PyRaise(type);
    }
    return pyError(EXC.TypeError, `exceptions must be old-style classes or derived from BaseException, not ${typeName(type)}`);
  }

  private fromImport(moduleName: string, names: Extract<Stmt, { k: 'from' }>['names'], frame: Frame): void {
    const module = this.importModule(moduleName) ?? unsupported(`import ${moduleName}`);
    if (names === '*') {
      for (const [name, value] of module.attrs) if (!name.startsWith('_')) this.store(name, value, frame);
      return;
    }
    for (const { name, asname } of names) {
      const value = module.attrs.get(name) ?? this.importModule(`${moduleName}.${name}`) ?? unsupported(`from ${moduleName} import ${name}`);
      this.store(asname ?? name, value, frame);
    }
  }

  /** Python 2's print statement, with its "softspace" between items. */
  private print(destExpr: Expr | null, values: readonly Expr[], newline: boolean, frame: Frame): void {
    const dest = destExpr ? this.eval(destExpr, frame) : null;
    const key = dest ?? 'stdout';
    const write = (text: string) => {
      if (dest === null) this.write('stdout', text);
      else if (dest instanceof PyObject && dest.attrs.has('write')) this.call(dest.attrs.get('write')!, [text]);
      else throw pyError(EXC.AttributeError, `'${typeName(dest)}' object has no attribute 'write'`);
    };
    for (const v of values) {
      const text = pyStr(this.eval(v, frame));
      if (this.softspace.get(key)) write(' ');
      write(text);
      this.softspace.set(key, text === '' || !/\s$/.test(text) || text.endsWith(' '));
    }
    if (newline) {
      write('\n');
      this.softspace.set(key, false);
    }
  }

  // ------------------------------------------------------------ names and targets

  private load(name: string, frame: Frame): PyValue {
    const found = this.lookup(name, frame);
    if (found !== undefined) return found;
    if (MISSING_PY2_BUILTINS.has(name) || this.options.missingNames.has(name)) unsupported(`the name '${name}'`);
    const message = frame.localNames === null ? `name '${name}' is not defined` : `global name '${name}' is not defined`;
    throw pyError(EXC.NameError, message);
  }

  private lookup(name: string, frame: Frame): PyValue | undefined {
    if (frame.localNames === null) {
      if (!frame.globalNames.has(name) && frame.locals.has(name)) return frame.locals.get(name);
    } else if (!frame.globalNames.has(name)) {
      if (frame.localNames.has(name)) {
        const value = frame.locals.get(name);
        if (value === undefined) throw pyError(EXC.UnboundLocalError, `local variable '${name}' referenced before assignment`);
        return value;
      }
      for (let f = frame.enclosing; f; f = f.enclosing) {
        if (f.localNames?.has(name) && !f.globalNames.has(name)) {
          const value = f.locals.get(name);
          if (value === undefined) {
            throw pyError(EXC.NameError, `free variable '${name}' referenced before assignment in enclosing scope`);
          }
          return value;
        }
      }
    }
    return frame.globals.get(name) ?? this.builtins.get(name);
  }

  private store(name: string, value: PyValue, frame: Frame): void {
    (frame.globalNames.has(name) ? frame.globals : frame.locals).set(name, value);
  }

  private assign(target: Expr, value: PyValue, frame: Frame): void {
    switch (target.k) {
      case 'name':
        this.store(target.id, value, frame);
        return;
      case 'tuple':
      case 'list': {
        const items = iterate(value);
        if (items.length > target.elts.length) throw pyError(EXC.ValueError, 'too many values to unpack');
        if (items.length < target.elts.length) {
          throw pyError(EXC.ValueError, `need more than ${items.length} value${items.length === 1 ? '' : 's'} to unpack`);
        }
        target.elts.forEach((t, i) => this.assign(t, items[i]!, frame));
        return;
      }
      case 'subscript':
        setItem(this.eval(target.obj, frame), this.index(target.index, frame), value);
        return;
      default:
        unsupported('attribute assignment');
    }
  }

  private augmentedAssign(target: Expr, op: BinaryOp, valueExpr: Expr, frame: Frame): void {
    const combine = (current: PyValue, value: PyValue): PyValue => {
      if (op === '+' && Array.isArray(current)) {
        const items = iterate(value);
        checkSize(current.length + items.length, 0);
        for (const item of items) current.push(item);
        return current;
      }
      return binaryOp(op, current, value, this.trueDivision);
    };
    if (target.k === 'name') {
      const current = this.load(target.id, frame);
      this.store(target.id, combine(current, this.eval(valueExpr, frame)), frame);
    } else if (target.k === 'subscript') {
      const obj = this.eval(target.obj, frame);
      const index = this.index(target.index, frame);
      const current = getItem(obj, index);
      setItem(obj, index, combine(current, this.eval(valueExpr, frame)));
    } else {
      unsupported('attribute assignment');
    }
  }

  private delete(target: Expr, frame: Frame): void {
    switch (target.k) {
      case 'name': {
        const scope = frame.globalNames.has(target.id) ? frame.globals : frame.locals;
        if (!scope.delete(target.id)) throw pyError(EXC.NameError, `name '${target.id}' is not defined`);
        return;
      }
      case 'tuple':
      case 'list':
        target.elts.forEach((t) => this.delete(t, frame));
        return;
      case 'subscript':
        deleteItem(this.eval(target.obj, frame), this.index(target.index, frame));
        return;
      default:
        unsupported('attribute deletion');
    }
  }

  // ------------------------------------------------------------ functions

  private makeFunction(name: string, params: readonly Param[], body: readonly Stmt[], frame: Frame): PyFunction {
    const defaults = new Map<string, PyValue>();
    for (const p of params) if (p.default) defaults.set(p.name, this.eval(p.default, frame));
    const { localNames, globalNames } = functionScope(params, body);
    return new PyFunction(name, params, defaults, body, localNames, globalNames, frame.globals, frame.localNames ? frame : null);
  }

  private invoke(fn: PyFunction, args: PyValue[], kwargs: Kwargs): PyValue {
    if (this.depth >= this.options.maxDepth) {
      throw new PythonRuntimeError('RuntimeError', 'maximum recursion depth exceeded', this.line);
    }
    this.depth++;
    try {
      const frame: Frame = {
        locals: this.bindParameters(fn, args, kwargs),
        globals: fn.globals,
        localNames: fn.localNames,
        globalNames: fn.globalNames,
        enclosing: fn.enclosing,
      };
      const completion = this.block(fn.body, frame);
      return completion?.kind === 'return' ? completion.value : null;
    } finally {
      this.depth--;
    }
  }

  private bindParameters(fn: PyFunction, args: PyValue[], kwargs: Kwargs): Map<string, PyValue> {
    const params = fn.params;
    const required = params.filter((p) => !fn.defaults.has(p.name)).length;
    const given = args.length + kwargs.size;
    const arity = (quantity: string, n: number) =>
      pyError(EXC.TypeError, `${fn.name}() takes ${quantity} ${n} argument${n === 1 ? '' : 's'} (${given} given)`);
    if (args.length > params.length) throw arity(required === params.length ? 'exactly' : 'at most', params.length);
    const locals = new Map<string, PyValue>();
    args.forEach((a, i) => locals.set(params[i]!.name, a));
    for (const [name, value] of kwargs) {
      if (!params.some((p) => p.name === name)) throw pyError(EXC.TypeError, `${fn.name}() got an unexpected keyword argument '${name}'`);
      if (locals.has(name)) throw pyError(EXC.TypeError, `${fn.name}() got multiple values for keyword argument '${name}'`);
      locals.set(name, value);
    }
    for (const p of params) {
      if (locals.has(p.name)) continue;
      const fallback = fn.defaults.get(p.name);
      if (fallback === undefined) throw arity(required === params.length ? 'exactly' : 'at least', required);
      locals.set(p.name, fallback);
    }
    return locals;
  }

  // ------------------------------------------------------------ expressions

  private eval(e: Expr, frame: Frame): PyValue {
    switch (e.k) {
      case 'const':
        return e.value;
      case 'name':
        return this.load(e.id, frame);
      case 'list':
        return e.elts.map((x) => this.eval(x, frame));
      case 'tuple':
        return new PyTuple(e.elts.map((x) => this.eval(x, frame)));
      case 'dict': {
        const d = new PyDict();
        for (const [k, v] of e.items) {
          // Python 2 evaluates the value before the key.
          const value = this.eval(v, frame);
          d.set(this.eval(k, frame), value);
        }
        return d;
      }
      case 'listcomp': {
        const result: PyValue[] = [];
        this.comprehend(e.generators, 0, frame, () => {
          checkSize(result.length + 1, 0);
          result.push(this.eval(e.elt, frame));
        });
        return result;
      }
      case 'binop':
        return binaryOp(e.op, this.eval(e.left, frame), this.eval(e.right, frame), this.trueDivision);
      case 'unary':
        return e.op === 'not' ? !truthy(this.eval(e.operand, frame)) : unaryOp(e.op, this.eval(e.operand, frame));
      case 'boolop': {
        let value: PyValue = null;
        for (const x of e.values) {
          value = this.eval(x, frame);
          if (e.op === 'or' ? truthy(value) : !truthy(value)) return value;
        }
        return value;
      }
      case 'compare': {
        let left = this.eval(e.left, frame);
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.eval(e.comparators[i]!, frame);
          if (!compare(e.ops[i]!, left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'ifexp':
        return this.eval(truthy(this.eval(e.test, frame)) ? e.body : e.orelse, frame);
      case 'call': {
        const fn = this.eval(e.func, frame);
        const args = e.args.map((a) => this.eval(a, frame));
        const kwargs = new Map(e.kwargs.map((k) => [k.name, this.eval(k.value, frame)] as const));
        return this.call(fn, args, kwargs);
      }
      case 'attr':
        return this.attribute(this.eval(e.obj, frame), e.name);
      case 'subscript':
        return getItem(this.eval(e.obj, frame), this.index(e.index, frame));
      case 'slice':
        return unsupported('extended slicing');
      case 'lambda':
        return this.makeFunction('<lambda>', e.params, [{ k: 'return', line: e.line, value: e.body }], frame);
    }
  }

  private index(e: Expr, frame: Frame): PyValue | Slice {
    if (e.k !== 'slice') return this.eval(e, frame);
    const part = (x: Expr | null) => (x ? this.eval(x, frame) : null);
    return new Slice(part(e.lower), part(e.upper), part(e.step));
  }

  private comprehend(generators: readonly Comprehension[], i: number, frame: Frame, emit: () => void): void {
    const g = generators[i];
    if (!g) return emit();
    for (const item of iterate(this.eval(g.iter, frame))) {
      this.budget.spend(1);
      this.assign(g.target, item, frame);
      if (g.ifs.every((test) => truthy(this.eval(test, frame)))) this.comprehend(generators, i + 1, frame, emit);
    }
  }

  private attribute(obj: PyValue, name: string): PyValue {
    if (obj instanceof PyObject) {
      const value = obj.attrs.get(name);
      if (value !== undefined) return value;
      const owner = obj.typeName === 'module' ? pyStr(obj.attrs.get('__name__') ?? '?') : obj.typeName;
      return unsupported(`${owner}.${name}`);
    }
    if (obj === null) throw pyError(EXC.AttributeError, `'NoneType' object has no attribute '${name}'`);
    if (obj instanceof PyException) {
      if (name === 'args') return new PyTuple(obj.args);
      if (name === 'message') return obj.args.length === 1 ? obj.args[0]! : '';
    }
    if (name === '__name__' && (obj instanceof PyExceptionType || obj instanceof PyFunction || obj instanceof PyBuiltin)) {
      return obj.name;
    }
    return lookupMethod(obj, name, this) ?? unsupported(`${typeName(obj)}.${name}`);
  }
}
