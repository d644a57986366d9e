/**
 * The `re` module, on the step-counting matcher of regex.ts: a pattern that
 * backtracks without end stops at the script's budget like a loop would.
 */
import { charge, checkSize } from './budget.js';
import { bindArgs, builtin, expectInt, expectStr, makeModule, unsupported, type Runtime } from './runtime.js';
import { compileRegex, execRegex, RegexSyntaxError, RegexUnsupported, type Regex } from './regex.js';
import { EXC, PyDict, PyExceptionType, PyObject, PyTuple, pyError, pyStr, type PyValue } from './values.js';

const FLAG_I = 2;
const FLAG_L = 4;
const FLAG_M = 8;
const FLAG_S = 16;
const FLAG_U = 32;
const FLAG_X = 64;
const INLINE_FLAGS: Record<string, number> = { i: FLAG_I, L: FLAG_L, m: FLAG_M, s: FLAG_S, u: FLAG_U, x: FLAG_X };

interface Compiled {
  readonly source: string;
  /** The flags given, as pattern.flags shows them. */
  readonly flags: number;
  /** With the pattern's leading (?iLmsux) added. */
  readonly matchFlags: number;
  readonly regex: Regex;
  readonly groups: number;
  readonly names: ReadonlyMap<string, number>;
}

/** A match: the subject and the spans of group 0 and each group (-1 where a group took no part). */
interface Found {
  readonly text: string;
  readonly spans: readonly number[];
}

/** As sre's _MAXCACHE: a script compiling endless distinct patterns does not grow the cache. */
const MAX_CACHE = 100;
const cache = new Map<string, Compiled>();

function compile(pattern: string, flags: number): Compiled {
  const cacheKey = `${flags}:${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  let matchFlags = flags;
  let body = pattern;
  const leading = /^\(\?([iLmsux]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1]!) matchFlags |= INLINE_FLAGS[f]!;
    body = pattern.slice(leading[0].length);
  }
  if (matchFlags & FLAG_X) unsupported('verbose regular expressions');
  let regex: Regex;
  try {
    regex = compileRegex(body, matchFlags);
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw pyError(reError, e.message);
    if (e instanceof RegexUnsupported) return unsupported(`regular expression ${JSON.stringify(pattern.length > 80 ? `${pattern.slice(0, 80)}…` : pattern)}`);
    throw e;
  }
  const compiled = { source: pattern, flags, matchFlags, regex, groups: regex.groups, names: regex.names };
  if (cache.size >= MAX_CACHE) cache.clear();
  cache.set(cacheKey, compiled);
  return compiled;
}

function exec(re: Compiled, mode: 'search' | 'match', text: string, pos: number): Found | null {
  const m = execRegex(re.regex, re.matchFlags, text, pos, mode === 'match');
  return m ? { text, spans: m.spans } : null;
}

function group(m: Found, i: number): string | null {
  const [from, to] = [m.spans[2 * i]!, m.spans[2 * i + 1]!];
  return from < 0 || to < 0 ? null : m.text.slice(from, to);
}

const start = (m: Found): number => m.spans[0]!;
const end = (m: Found): number => m.spans[1]!;

// ---------------------------------------------------------------- match objects

function groupIndex(re: Compiled, g: PyValue | undefined): number {
  if (g === undefined) return 0;
  if (typeof g === 'string') {
    const index = re.names.get(g);
    if (index === undefined) throw pyError(EXC.IndexError, 'no such group');
    return index;
  }
  const index = Number(expectInt(g, 'group index'));
  if (index < 0 || index > re.groups) throw pyError(EXC.IndexError, 'no such group');
  return index;
}

function matchObject(re: Compiled, m: Found, text: string): PyObject {
  const span = (args: PyValue[]): [number, number] => {
    const i = groupIndex(re, args[0]);
    return group(m, i) === null ? [-1, -1] : [m.spans[2 * i]!, m.spans[2 * i + 1]!];
  };
  return new PyObject(
    '_sre.SRE_Match',
    new Map<string, PyValue>([
      ['string', text],
      [
        'group',
        builtin('group', (args) => {
          if (args.length <= 1) return group(m, groupIndex(re, args[0]));
          return new PyTuple(args.map((a) => group(m, groupIndex(re, a))));
        }),
      ],
      [
        'groups',
        builtin('groups', (args) => {
          const [fallback = null] = args;
          return new PyTuple(Array.from({ length: re.groups }, (_, i) => group(m, i + 1) ?? fallback));
        }),
      ],
      [
        'groupdict',
        builtin('groupdict', (args) => {
          const [fallback = null] = args;
          return PyDict.from([...re.names].map(([name, i]) => [name, group(m, i) ?? fallback] as const));
        }),
      ],
      ['start', builtin('start', (args) => BigInt(span(args)[0]))],
      ['end', builtin('end', (args) => BigInt(span(args)[1]))],
      ['span', builtin('span', (args) => new PyTuple(span(args).map(BigInt)))],
    ]),
  );
}

// ---------------------------------------------------------------- operations

function substitute(re: Compiled, repl: PyValue, text: string, count: number, rt: Runtime): string {
  let out = '';
  const emit = (piece: string) => {
    checkSize(out.length + piece.length, piece.length);
    out += piece;
  };
  let last = 0;
  let pos = 0;
  let n = 0;
  while ((count === 0 || n < count) && pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    charge(1);
    // As sre: an empty match right after the previous match is not replaced.
    if (n > 0 && end(m) === start(m) && start(m) === last) {
      pos = last + 1;
      continue;
    }
    emit(text.slice(last, start(m)));
    emit(typeof repl === 'string' ? expandTemplate(re, repl, m) : pyStr(rt.call(repl, [matchObject(re, m, text)])));
    last = end(m);
    pos = end(m) === start(m) ? end(m) + 1 : end(m);
    n++;
  }
  emit(text.slice(last));
  return out;
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** A replacement string: \1, \g<name>, \g<1> and the usual character escapes. */
function expandTemplate(re: Compiled, template: string, m: Found): string {
  charge(template.length);
  return template.replace(/\\(g<([^>]*)>|\d{1,2}|[\s\S])/g, (whole, esc: string, gname: string | undefined) => {
    if (gname !== undefined) return group(m, groupIndex(re, /^\d+$/.test(gname) ? BigInt(gname) : gname)) ?? '';
    if (/^\d/.test(esc)) return group(m, groupIndex(re, BigInt(esc))) ?? '';
    return TEMPLATE_ESCAPES[esc] ?? whole;
  });
}

/** Python 2 split: empty matches never split. */
function split(re: Compiled, text: string, maxsplit: number): PyValue[] {
  const parts: PyValue[] = [];
  let last = 0;
  let pos = 0;
  while ((maxsplit === 0 || parts.length / (re.groups + 1) < maxsplit) && pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    charge(1);
    if (end(m) === start(m)) {
      pos = start(m) + 1;
      continue;
    }
    parts.push(text.slice(last, start(m)), ...Array.from({ length: re.groups }, (_, i) => group(m, i + 1)));
    last = pos = end(m);
  }
  parts.push(text.slice(last));
  return parts;
}

function findall(re: Compiled, text: string): PyValue[] {
  const found: PyValue[] = [];
  let pos = 0;
  while (pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    charge(1);
    if (re.groups === 0) found.push(group(m, 0)!);
    else if (re.groups === 1) found.push(group(m, 1) ?? '');
    else found.push(new PyTuple(Array.from({ length: re.groups }, (_, i) => group(m, i + 1) ?? '')));
    pos = end(m) === start(m) ? end(m) + 1 : end(m);
  }
  return found;
}

function escape(text: string): string {
  charge(text.length);
  return text.replace(/[^A-Za-z0-9_]/g, (c) => (c === '\0' ? '\\000' : '\\' + c));
}

// ---------------------------------------------------------------- module

const reError = new PyExceptionType('error', EXC.Exception);

function patternArg(v: PyValue | undefined, flags: PyValue | undefined): Compiled {
  if (v instanceof PyObject && v.typeName === '_sre.SRE_Pattern') {
    return compile(pyStr(v.attrs.get('pattern')!), Number(v.attrs.get('flags')));
  }
  return compile(expectStr(v, 'pattern'), flags === undefined ? 0 : Number(expectInt(flags, 'flags')));
}

function patternObject(re: Compiled, rt: Runtime): PyObject {
  const finder = (mode: 'search' | 'match') =>
    builtin(mode, (args, kwargs) => {
      const [text, pos] = bindArgs(mode, args, kwargs, ['string', 'pos'], 1);
      const s = expectStr(text, 'string');
      const m = exec(re, mode, s, pos === undefined ? 0 : Number(expectInt(pos, 'pos')));
      return m ? matchObject(re, m, s) : null;
    });
  return new PyObject(
    '_sre.SRE_Pattern',
    new Map<string, PyValue>([
      ['pattern', re.source],
      ['flags', BigInt(re.flags)],
      ['groups', BigInt(re.groups)],
      ['search', finder('search')],
      ['match', finder('match')],
      [
        'sub',
        builtin('sub', (args, kwargs) => {
          const [repl, text, count] = bindArgs('sub', args, kwargs, ['repl', 'string', 'count'], 2);
          return substitute(re, repl!, expectStr(text, 'string'), count === undefined ? 0 : Number(expectInt(count, 'count')), rt);
        }),
      ],
      [
        'split',
        builtin('split', (args, kwargs) => {
          const [text, maxsplit] = bindArgs('split', args, kwargs, ['string', 'maxsplit'], 1);
          return split(re, expectStr(text, 'string'), maxsplit === undefined ? 0 : Number(expectInt(maxsplit, 'maxsplit')));
        }),
      ],
      ['findall', builtin('findall', (args, kwargs) => findall(re, expectStr(bindArgs('findall', args, kwargs, ['string'])[0], 'string')))],
    ]),
  );
}

export function reModule(rt: Runtime): PyObject {
  const finder = (mode: 'search' | 'match') =>
    builtin(mode, (args, kwargs) => {
      const [pattern, text, flags] = bindArgs(mode, args, kwargs, ['pattern', 'string', 'flags'], 2);
      const re = patternArg(pattern, flags);
      const s = expectStr(text, 'string');
      const m = exec(re, mode, s, 0);
      return m ? matchObject(re, m, s) : null;
    });
  return makeModule('re', {
    I: BigInt(FLAG_I),
    IGNORECASE: BigInt(FLAG_I),
    L: BigInt(FLAG_L),
    LOCALE: BigInt(FLAG_L),
    M: BigInt(FLAG_M),
    MULTILINE: BigInt(FLAG_M),
    S: BigInt(FLAG_S),
    DOTALL: BigInt(FLAG_S),
    U: BigInt(FLAG_U),
    UNICODE: BigInt(FLAG_U),
    X: BigInt(FLAG_X),
    VERBOSE: BigInt(FLAG_X),
    error: reError,
    search: finder('search'),
    match: finder('match'),
    compile: builtin('compile', (args, kwargs) => {
      const [pattern, flags] = bindArgs('compile', args, kwargs, ['pattern', 'flags'], 1);
      return patternObject(patternArg(pattern, flags), rt);
    }),
    sub: builtin('sub', (args, kwargs) => {
      const [pattern, repl, text, count, flags] = bindArgs('sub', args, kwargs, ['pattern', 'repl', 'string', 'count', 'flags'], 3);
      const c = count === undefined ? 0 : Number(expectInt(count, 'count'));
      return substitute(patternArg(pattern, flags), repl!, expectStr(text, 'string'), c, rt);
    }),
    split: builtin('split', (args, kwargs) => {
      const [pattern, text, maxsplit, flags] = bindArgs('split', args, kwargs, ['pattern', 'string', 'maxsplit', 'flags'], 2);
      const max = maxsplit === undefined ? 0 : Number(expectInt(maxsplit, 'maxsplit'));
      return split(patternArg(pattern, flags), expectStr(text, 'string'), max);
    }),
    findall: builtin('findall', (args, kwargs) => {
      const [pattern, text, flags] = bindArgs('findall', args, kwargs, ['pattern', 'string', 'flags'], 2);
      return findall(patternArg(pattern, flags), expectStr(text, 'string'));
    }),
    escape: builtin('escape', (args, kwargs) => escape(expectStr(bindArgs('escape', args, kwargs, ['pattern'])[0], 'pattern'))),
  });
}
