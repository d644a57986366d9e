/**
 * The `re` module on top of JS regular expressions. Python syntax that differs
 * trivially is translated ((?P<n>…), (?P=n), \A, \Z, `$` before a final newline);
 * anything JS cannot compile is reported as unsupported.
 */
import { bindArgs, builtin, expectInt, expectStr, makeModule, unsupported, type Runtime } from './runtime.js';
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
  readonly flags: number;
  readonly search: RegExp;
  readonly match: RegExp;
  readonly groups: number;
  readonly names: ReadonlyMap<string, number>;
}

const cache = new Map<string, Compiled>();

function compile(pattern: string, flags: number): Compiled {
  const cacheKey = `${flags}:${pattern}`;
  const cached = cache.get(cacheKey);
  if (cached) return cached;
  const translated = translate(pattern, flags);
  let jsFlags = 'd';
  if (translated.flags & FLAG_I) jsFlags += 'i';
  if (translated.flags & FLAG_M) jsFlags += 'm';
  if (translated.flags & FLAG_S) jsFlags += 's';
  let search: RegExp;
  let match: RegExp;
  try {
    search = new RegExp(translated.source, jsFlags + 'g');
    match = new RegExp(translated.source, jsFlags + 'y');
  } catch {
    return unsupported(`regular expression ${JSON.stringify(pattern)}`);
  }
  const compiled = { source: pattern, flags, search, match, groups: translated.groups, names: translated.names };
  cache.set(cacheKey, compiled);
  return compiled;
}

function translate(pattern: string, initialFlags: number) {
  let flags = initialFlags;
  let i = 0;
  const leading = /^\(\?([iLmsux]+)\)/.exec(pattern);
  if (leading) {
    for (const f of leading[1]!) flags |= INLINE_FLAGS[f]!;
    i = leading[0].length;
  }
  if (flags & FLAG_X) unsupported('verbose regular expressions');
  let out = '';
  let inClass = false;
  let groups = 0;
  const names = new Map<string, number>();
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const next = pattern[i + 1];
      if (next === undefined) throw pyError(reError, 'bogus escape (end of line)');
      if (!inClass && next === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && next === 'Z') out += '(?![\\s\\S])';
      else out += c + next;
      i += 2;
    } else if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      i++;
    } else if (c === '[') {
      inClass = true;
      out += c;
      i++;
      if (pattern[i] === '^') out += pattern[i++];
      // Python allows `]` first in a class; JS would read `[]` as an empty class.
      if (pattern[i] === ']') (out += '\\]'), i++;
    } else if (c === '(') {
      const rest = pattern.slice(i);
      const named = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
      const backref = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
      const comment = /^\(\?#[^)]*\)/.exec(rest);
      if (named) {
        names.set(named[1]!, ++groups);
        out += `(?<${named[1]}>`;
        i += named[0].length;
      } else if (backref) {
        out += `\\k<${backref[1]}>`;
        i += backref[0].length;
      } else if (comment) {
        i += comment[0].length;
      } else if (rest.startsWith('(?')) {
        if (!/^\(\?(?::|=|!|<=|<!)/.test(rest)) unsupported(`regular expression ${JSON.stringify(pattern)}`);
        out += '(?';
        i += 2;
      } else {
        groups++;
        out += c;
        i++;
      }
    } else if (c === '$' && !(flags & FLAG_M)) {
      // Python's `$` also matches just before a newline that ends the string.
      out += '(?=\\n?(?![\\s\\S]))';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  return { source: out, flags, groups, names };
}

function exec(re: Compiled, mode: 'search' | 'match', text: string, pos: number): RegExpExecArray | null {
  const regex = re[mode];
  regex.lastIndex = pos;
  return regex.exec(text);
}

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

function matchObject(re: Compiled, m: RegExpExecArray, text: string): PyObject {
  const group = (i: number): PyValue => m[i] ?? null;
  const span = (args: PyValue[]): [number, number] => m.indices?.[groupIndex(re, args[0])] ?? [-1, -1];
  return new PyObject(
    '_sre.SRE_Match',
    new Map<string, PyValue>([
      ['string', text],
      [
        'group',
        builtin('group', (args) => {
          if (args.length <= 1) return group(groupIndex(re, args[0]));
          return new PyTuple(args.map((a) => group(groupIndex(re, a))));
        }),
      ],
      [
        'groups',
        builtin('groups', (args) => {
          const [fallback = null] = args;
          return new PyTuple(Array.from({ length: re.groups }, (_, i) => m[i + 1] ?? fallback));
        }),
      ],
      [
        'groupdict',
        builtin('groupdict', (args) => {
          const [fallback = null] = args;
          return PyDict.from([...re.names].map(([name, i]) => [name, m[i] ?? fallback] as const));
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
  let last = 0;
  let pos = 0;
  let n = 0;
  while ((count === 0 || n < count) && pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    rt.tick(1);
    const end = m.index + m[0].length;
    const replacement = typeof repl === 'string' ? expandTemplate(re, repl, m) : pyStr(rt.call(repl, [matchObject(re, m, text)]));
    out += text.slice(last, m.index) + replacement;
    last = end;
    pos = end === m.index ? end + 1 : end;
    n++;
  }
  return out + text.slice(last);
}

const TEMPLATE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** A replacement string: \1, \g<name>, \g<1> and the usual character escapes. */
function expandTemplate(re: Compiled, template: string, m: RegExpExecArray): string {
  return template.replace(/\\(g<([^>]*)>|\d{1,2}|[\s\S])/g, (whole, esc: string, gname: string | undefined) => {
    if (gname !== undefined) return m[groupIndex(re, /^\d+$/.test(gname) ? BigInt(gname) : gname)] ?? '';
    if (/^\d/.test(esc)) return m[groupIndex(re, BigInt(esc))] ?? '';
    return TEMPLATE_ESCAPES[esc] ?? whole;
  });
}

/** Python 2 split: empty matches never split. */
function split(re: Compiled, text: string, maxsplit: number, rt: Runtime): PyValue[] {
  const parts: PyValue[] = [];
  let last = 0;
  let pos = 0;
  while ((maxsplit === 0 || parts.length / (re.groups + 1) < maxsplit) && pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    rt.tick(1);
    if (m[0].length === 0) {
      pos = m.index + 1;
      continue;
    }
    parts.push(text.slice(last, m.index), ...Array.from({ length: re.groups }, (_, i) => m[i + 1] ?? null));
    last = pos = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

function findall(re: Compiled, text: string, rt: Runtime): PyValue[] {
  const found: PyValue[] = [];
  let pos = 0;
  while (pos <= text.length) {
    const m = exec(re, 'search', text, pos);
    if (!m) break;
    rt.tick(1);
    if (re.groups === 0) found.push(m[0]);
    else if (re.groups === 1) found.push(m[1] ?? '');
    else found.push(new PyTuple(Array.from({ length: re.groups }, (_, i) => m[i + 1] ?? '')));
    const end = m.index + m[0].length;
    pos = end === m.index ? end + 1 : end;
  }
  return found;
}

function escape(text: string): string {
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
          return split(re, expectStr(text, 'string'), maxsplit === undefined ? 0 : Number(expectInt(maxsplit, 'maxsplit')), rt);
        }),
      ],
      ['findall', builtin('findall', (args, kwargs) => findall(re, expectStr(bindArgs('findall', args, kwargs, ['string'])[0], 'string'), rt))],
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
      return split(patternArg(pattern, flags), expectStr(text, 'string'), max, rt);
    }),
    findall: builtin('findall', (args, kwargs) => {
      const [pattern, text, flags] = bindArgs('findall', args, kwargs, ['pattern', 'string', 'flags'], 2);
      return findall(patternArg(pattern, flags), expectStr(text, 'string'), rt);
    }),
    escape: builtin('escape', (args, kwargs) => escape(expectStr(bindArgs('escape', args, kwargs, ['pattern'])[0], 'pattern'))),
  });
}
