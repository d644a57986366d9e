/**
 * Runs an xm domain config file (a Python 2 script) natively, in the namespace
 * xm gives it: `sys`, `os` (with `os.path`), everything `from xen.util.ip import *`
 * provides, `xm_file`, `xm_help`, `xm_vars`, and the command-line variables.
 *
 * Values are PyValues (see values.ts): ints are bigints, floats numbers, lists
 * arrays, tuples PyTuple, dicts PyDict; `toPlain` turns them into plain JS data.
 */
import { Interpreter } from './interpreter.js';
import { nodeHost, type PythonHost } from './modules.js';
import { PythonRuntimeError, type PythonSyntaxError } from './errors.js';
import { tokenize } from './lexer.js';
import { parse } from './parser.js';
import { bindArgs, builtin, expectStr, type Runtime } from './runtime.js';
import { PyException, PyObject, PyRaise, exceptionMessage, truthy, writtenSize, type PyValue } from './values.js';

export { PythonRuntimeError, PythonSyntaxError, PythonUnsupportedError } from './errors.js';
export { nodeHost, type PythonHost } from './modules.js';
export { tokenize } from './lexer.js';
export { pathBasename, pathDirname, pathJoin } from './modules.js';
export { PyDict, PyTuple, isMachineInt, pyEquals, pyRepr, pyStr, toPlain, truthy, typeName, type PlainValue, type PyValue } from './values.js';

export interface ConfigScriptOptions {
  /** The script's path as xm found it: the value of `xm_file`. */
  readonly file: string;
  /** Command-line VAR=VAL variables xm does not know itself (strings, normally). */
  readonly vars?: Readonly<Record<string, PyValue>>;
  /** What os.uname(), os.environ and os.path.exists() see; the real machine by default. */
  readonly host?: PythonHost;
  /** sys.argv. */
  readonly argv?: readonly string[];
  /** Statement budget before the script is stopped as runaway. */
  readonly maxSteps?: number;
  /** Deepest Python call nesting allowed. */
  readonly maxDepth?: number;
}

export interface ConfigScriptResult {
  /** The script's top-level namespace after it ran, in binding order (execfile's locals). */
  readonly namespace: Map<string, PyValue>;
  /** Names bound before the first statement ran: the vars and what xm pre-loads. */
  readonly preloaded: ReadonlySet<string>;
  /** What `print` wrote. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * What is wrong, for the line after xm's "Errors were found at line N": Python's own
 * reason, and for a statement that runs on inside a bracket, where that bracket opened.
 */
export function syntaxErrorDetail(source: string, e: PythonSyntaxError): string {
  const unclosed = e.unclosed ?? (e.message === 'invalid syntax' ? bracketOpenAt(source, e.line) : undefined);
  return unclosed ? `${e.message}: the '${unclosed.bracket}' opened at line ${unclosed.line} is not closed` : e.message;
}

/** The innermost bracket still open where `line` starts (the tokens parsed, so the brackets balance later). */
function bracketOpenAt(source: string, line: number): { bracket: string; line: number } | undefined {
  const open: { bracket: string; line: number }[] = [];
  for (const t of tokenize(source)) {
    if (t.line >= line) break;
    if (t.type !== 'op') continue;
    if ('([{'.includes(t.value)) open.push({ bracket: t.value, line: t.line });
    else if (')]}'.includes(t.value)) open.pop();
  }
  return open.at(-1);
}

const DEFAULT_MAX_STEPS = 1_000_000;
const DEFAULT_MAX_DEPTH = 200;

/** Names `from xen.util.ip import *` and `from xen.xm.help import Vars` bind that the subset lacks. */
const UNAVAILABLE_PRELOADS = new Set(['socket', 'struct', 'errno', 'util', 'Vars']);

/**
 * @throws PythonSyntaxError when the script does not parse,
 *         PythonRuntimeError when a Python exception escapes it,
 *         PythonUnsupportedError when it uses Python outside the subset.
 */
export function runConfigScript(source: string, options: ConfigScriptOptions): ConfigScriptResult {
  const module = parse(source);
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const interpreter = new Interpreter({
    file: options.file,
    host: options.host ?? nodeHost(),
    argv: options.argv ?? ['xm'],
    maxSteps,
    maxDepth: options.maxDepth ?? DEFAULT_MAX_DEPTH,
    missingNames: UNAVAILABLE_PRELOADS,
  });
  // Same order as xm's opts.load(): the vars, then the imports, then the xm_* names.
  const namespace = new Map<string, PyValue>(Object.entries(options.vars ?? {}));
  namespace.set('sys', interpreter.importModule('sys')!);
  namespace.set('os', interpreter.importModule('os')!);
  for (const [name, value] of interpreter.importModule('xen.util.ip')!.attrs) {
    if (!name.startsWith('_')) namespace.set(name, value);
  }
  namespace.set('xm_file', options.file);
  namespace.set('xm_help', 0n);
  namespace.set('xm_vars', xmVars(namespace, interpreter));
  const preloaded = new Set(namespace.keys());

  interpreter.execute(module, namespace, new Map());
  // xm reads the lists the script leaves in full (into SXP), so a list that holds
  // a big one many times, cheap to build, is refused here rather than expanded
  // there: written out, they may be as big as the step budget.
  const lists = [...namespace.values()].filter((v) => Array.isArray(v));
  if (writtenSize(lists, maxSteps) > maxSteps) {
    throw new PythonRuntimeError('MemoryError', `${options.file}: the lists it leaves are over the limit of ${maxSteps} items written out`, 0);
  }
  return { namespace, preloaded, stdout: interpreter.stdout, stderr: interpreter.stderr };
}

/**
 * xen.xm.help.Vars: `var(name, use, check)` declares a script variable, and
 * `check()` replaces each declared variable by check(name, value).
 */
function xmVars(namespace: Map<string, PyValue>, rt: Runtime): PyObject {
  const declared: { name: string; check: PyValue }[] = [];
  return new PyObject(
    'instance',
    new Map<string, PyValue>([
      [
        'var',
        builtin('var', (args, kwargs) => {
          const [name, , check = null] = bindArgs('var', args, kwargs, ['name', 'use', 'check'], 1);
          declared.push({ name: expectStr(name, 'variable name'), check });
          return null;
        }),
      ],
      [
        'check',
        builtin('check', (args, kwargs) => {
          bindArgs('check', args, kwargs, []);
          for (const { name, check } of declared) {
            if (!truthy(check)) continue;
            try {
              namespace.set(name, rt.call(check, [name, namespace.get(name) ?? null]));
            } catch (e) {
              // opts.py's Var.doCheck re-raised the same type as "<name> - <message>".
              if (e instanceof PyRaise) throw new PyRaise(new PyException(e.exc.type, [`${name} - ${exceptionMessage(e.exc)}`]));
              throw e;
            }
          }
          return null;
        }),
      ],
    ]),
  );
}
