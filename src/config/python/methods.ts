/** Methods of str, list, tuple and dict (Python 2 behaviour; dict views are lists). */
import { charge, checkSize } from './budget.js';
import { bindArgs, builtin, expectInt, expectStr, iterate, unsupported, type Runtime } from './runtime.js';
import { EXC, PyBuiltin, PyDict, PyTuple, pyCompare, pyEquals, pyError, pyRepr, pyStr, typeName, type Kwargs, type PyValue } from './values.js';

type Method<T> = (self: T, args: PyValue[], kwargs: Kwargs, rt: Runtime) => PyValue;

/** The bound method `self.name`, or undefined when the subset does not provide it. */
export function lookupMethod(self: PyValue, name: string, rt: Runtime): PyBuiltin | undefined {
  const bind = <T>(table: Record<string, Method<T>>, value: T, cost = 0) =>
    Object.hasOwn(table, name)
      ? builtin(name, (args, kwargs) => {
          charge(cost);
          return table[name]!(value, args, kwargs, rt);
        })
      : undefined;
  // Every str method walks its string (a bounded number of times): that is charged here, once.
  if (typeof self === 'string') return bind(STR_METHODS, self, self.length);
  if (Array.isArray(self)) return bind(LIST_METHODS, self);
  if (self instanceof PyTuple) return bind(TUPLE_METHODS, self);
  if (self instanceof PyDict) return bind(DICT_METHODS, self);
  return undefined;
}

// ---------------------------------------------------------------- str

export const WHITESPACE = ' \t\n\r\x0b\x0c';

function stripChars(s: string, chars: PyValue | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WHITESPACE : expectStr(chars, 'strip arg');
  let start = 0;
  let end = s.length;
  if (left) while (start < end && set.includes(s[start]!)) start++;
  if (right) while (end > start && set.includes(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function isSpace(c: string): boolean {
  return WHITESPACE.includes(c);
}

/** str.split / str.rsplit, including the whitespace-run form when sep is None. */
function splitString(s: string, sep: PyValue | undefined, maxsplit: number, fromRight: boolean): string[] {
  if (sep === undefined || sep === null) {
    const words: string[] = [];
    let rest = fromRight ? stripChars(s, null, false, true) : stripChars(s, null, true, false);
    while (rest.length > 0) {
      if (maxsplit >= 0 && words.length === maxsplit) {
        words.push(rest);
        break;
      }
      if (fromRight) {
        let i = rest.length;
        while (i > 0 && !isSpace(rest[i - 1]!)) i--;
        words.push(rest.slice(i));
        rest = stripChars(rest.slice(0, i), null, false, true);
      } else {
        let i = 0;
        while (i < rest.length && !isSpace(rest[i]!)) i++;
        words.push(rest.slice(0, i));
        rest = stripChars(rest.slice(i), null, true, false);
      }
    }
    return fromRight ? words.reverse() : words;
  }
  const separator = expectStr(sep, 'separator');
  if (separator === '') throw pyError(EXC.ValueError, 'empty separator');
  const parts = s.split(separator);
  if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
  return fromRight
    ? [parts.slice(0, parts.length - maxsplit).join(separator), ...parts.slice(parts.length - maxsplit)]
    : [...parts.slice(0, maxsplit), parts.slice(maxsplit).join(separator)];
}

/** Python's start/end arguments of find/startswith/count, as slice bounds. */
function bounds(length: number, start: PyValue | undefined, end: PyValue | undefined): [number, number] {
  const clamp = (v: PyValue | undefined, fallback: number) => {
    if (v === undefined || v === null) return fallback;
    const n = Number(expectInt(v, 'slice index'));
    return n < 0 ? Math.max(0, length + n) : Math.min(n, length);
  };
  return [clamp(start, 0), clamp(end, length)];
}

function affix(s: string, args: PyValue[], kwargs: Kwargs, name: string, test: (t: string, a: string) => boolean): boolean {
  const [prefix, start, end] = bindArgs(name, args, kwargs, ['prefix', 'start', 'end'], 1);
  const [from, to] = bounds(s.length, start, end);
  const target = s.slice(from, to);
  const candidates = prefix instanceof PyTuple ? prefix.items : [prefix!];
  return candidates.some((c) => test(target, expectStr(c, `${name} first arg`)));
}

function find(s: string, args: PyValue[], kwargs: Kwargs, name: string, fromRight: boolean): number {
  const [sub, start, end] = bindArgs(name, args, kwargs, ['sub', 'start', 'end'], 1);
  const [from, to] = bounds(s.length, start, end);
  const needle = expectStr(sub, 'expected a character buffer object');
  const hay = s.slice(from, to);
  const i = fromRight ? hay.lastIndexOf(needle) : hay.indexOf(needle);
  return i < 0 ? -1 : i + from;
}

function justify(s: string, args: PyValue[], kwargs: Kwargs, name: string, place: (pad: number, width: number) => [number, number]): string {
  const [width, fill] = bindArgs(name, args, kwargs, ['width', 'fillchar'], 1);
  const w = Number(expectInt(width, 'width'));
  const c = fill === undefined ? ' ' : expectStr(fill, 'fillchar');
  if (w <= s.length) return s;
  checkSize(w);
  const [left, right] = place(w - s.length, w);
  return c.repeat(left) + s + c.repeat(right);
}

const STR_METHODS: Record<string, Method<string>> = {
  split: (s, args, kwargs) => {
    const [sep, maxsplit] = bindArgs('split', args, kwargs, ['sep', 'maxsplit'], 0);
    return splitString(s, sep, maxsplit === undefined ? -1 : Number(expectInt(maxsplit, 'maxsplit')), false);
  },
  rsplit: (s, args, kwargs) => {
    const [sep, maxsplit] = bindArgs('rsplit', args, kwargs, ['sep', 'maxsplit'], 0);
    return splitString(s, sep, maxsplit === undefined ? -1 : Number(expectInt(maxsplit, 'maxsplit')), true);
  },
  splitlines: (s, args, kwargs) => {
    const [keepends] = bindArgs('splitlines', args, kwargs, ['keepends'], 0);
    const lines = s.match(/[^\n\r]*(?:\r\n|\n|\r|$)/g)!.filter((l) => l !== '');
    return keepends !== undefined && keepends !== false && keepends !== 0n ? lines : lines.map((l) => l.replace(/\r?\n$|\r$/, ''));
  },
  join: (s, args, kwargs) => {
    const items = iterate(bindArgs('join', args, kwargs, ['iterable'])[0]!);
    let length = s.length * Math.max(0, items.length - 1);
    const strings = items.map((item, i) => {
      if (typeof item !== 'string') throw pyError(EXC.TypeError, `sequence item ${i}: expected string, ${typeName(item)} found`);
      length += item.length;
      return item;
    });
    checkSize(length);
    return strings.join(s);
  },
  strip: (s, args, kwargs) => stripChars(s, bindArgs('strip', args, kwargs, ['chars'], 0)[0], true, true),
  lstrip: (s, args, kwargs) => stripChars(s, bindArgs('lstrip', args, kwargs, ['chars'], 0)[0], true, false),
  rstrip: (s, args, kwargs) => stripChars(s, bindArgs('rstrip', args, kwargs, ['chars'], 0)[0], false, true),
  replace: (s, args, kwargs) => {
    const [old, replacement, count] = bindArgs('replace', args, kwargs, ['old', 'new', 'count'], 2);
    const parts = s.split(expectStr(old, 'replace arg'));
    const n = count === undefined ? -1 : Number(expectInt(count, 'count'));
    const replaced = n < 0 ? parts.length - 1 : Math.min(n, parts.length - 1);
    checkSize(s.length + replaced * (expectStr(replacement, 'replace arg').length - expectStr(old, 'replace arg').length));
    const joined = (list: string[]) => list.join(expectStr(replacement, 'replace arg'));
    if (n < 0 || parts.length <= n + 1) return joined(parts);
    return joined(parts.slice(0, n)) + expectStr(replacement, 'replace arg') + parts.slice(n).join(expectStr(old, 'replace arg'));
  },
  startswith: (s, args, kwargs) => affix(s, args, kwargs, 'startswith', (t, a) => t.startsWith(a)),
  endswith: (s, args, kwargs) => affix(s, args, kwargs, 'endswith', (t, a) => t.endsWith(a)),
  find: (s, args, kwargs) => BigInt(find(s, args, kwargs, 'find', false)),
  rfind: (s, args, kwargs) => BigInt(find(s, args, kwargs, 'rfind', true)),
  index: (s, args, kwargs) => {
    const i = find(s, args, kwargs, 'index', false);
    if (i < 0) throw pyError(EXC.ValueError, 'substring not found');
    return BigInt(i);
  },
  rindex: (s, args, kwargs) => {
    const i = find(s, args, kwargs, 'rindex', true);
    if (i < 0) throw pyError(EXC.ValueError, 'substring not found');
    return BigInt(i);
  },
  count: (s, args, kwargs) => {
    const [sub, start, end] = bindArgs('count', args, kwargs, ['sub', 'start', 'end'], 1);
    const [from, to] = bounds(s.length, start, end);
    const needle = expectStr(sub, 'expected a character buffer object');
    return BigInt(needle === '' ? to - from + 1 : s.slice(from, to).split(needle).length - 1);
  },
  lower: (s, args, kwargs) => (bindArgs('lower', args, kwargs, []), s.replace(/[A-Z]+/g, (m) => m.toLowerCase())),
  upper: (s, args, kwargs) => (bindArgs('upper', args, kwargs, []), s.replace(/[a-z]+/g, (m) => m.toUpperCase())),
  capitalize: (s, args, kwargs) => (bindArgs('capitalize', args, kwargs, []), s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase()),
  isdigit: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^[A-Za-z]+$/.test(s),
  isalnum: (s) => /^[A-Za-z0-9]+$/.test(s),
  isspace: (s) => s.length > 0 && [...s].every(isSpace),
  islower: (s) => /[a-z]/.test(s) && !/[A-Z]/.test(s),
  isupper: (s) => /[A-Z]/.test(s) && !/[a-z]/.test(s),
  zfill: (s, args, kwargs) => {
    const width = Number(expectInt(bindArgs('zfill', args, kwargs, ['width'])[0], 'width'));
    const signed = /^[+-]/.test(s);
    checkSize(width);
    return width <= s.length ? s : (signed ? s[0]! : '') + '0'.repeat(width - s.length) + s.slice(signed ? 1 : 0);
  },
  ljust: (s, args, kwargs) => justify(s, args, kwargs, 'ljust', (pad) => [0, pad]),
  rjust: (s, args, kwargs) => justify(s, args, kwargs, 'rjust', (pad) => [pad, 0]),
  center: (s, args, kwargs) =>
    justify(s, args, kwargs, 'center', (pad, width) => {
      const left = Math.floor(pad / 2) + (pad & width & 1);
      return [left, pad - left];
    }),
  format: (s, args, kwargs) => formatMethod(s, args, kwargs),
};

/** str.format for plain fields: {}, {0}, {name}, {0[1]}-free, with optional !r / !s. */
function formatMethod(template: string, args: PyValue[], kwargs: Kwargs): string {
  let auto = 0;
  let length = template.length;
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rs]))?(?::([^{}]*))?\}|[{}]/g, (whole, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    if (field === undefined) throw pyError(EXC.ValueError, `Single '${whole}' encountered in format string`);
    if (spec) unsupported('str.format() with format specifications');
    let value: PyValue | undefined;
    if (field === '') value = args[auto++];
    else if (/^\d+$/.test(field)) value = args[Number(field)];
    else if (/^[A-Za-z_]\w*$/.test(field)) {
      value = kwargs.get(field);
      if (value === undefined) throw pyError(EXC.KeyError, field);
    } else unsupported('str.format() with field expressions');
    if (value === undefined) throw pyError(EXC.IndexError, 'tuple index out of range');
    const text = conv === 'r' ? pyRepr(value) : pyStr(value);
    length += text.length;
    checkSize(length, text.length);
    return text;
  });
}

// ---------------------------------------------------------------- list, tuple

function indexOf(items: readonly PyValue[], args: PyValue[], kwargs: Kwargs, what: string): bigint {
  const [value] = bindArgs('index', args, kwargs, ['value']);
  charge(items.length);
  const i = items.findIndex((x) => pyEquals(x, value!));
  if (i < 0) throw pyError(EXC.ValueError, what === 'list' ? `${pyRepr(value!)} is not in list` : 'tuple.index(x): x not in tuple');
  return BigInt(i);
}

function countOf(items: readonly PyValue[], args: PyValue[], kwargs: Kwargs): bigint {
  const [value] = bindArgs('count', args, kwargs, ['value']);
  charge(items.length);
  return BigInt(items.filter((x) => pyEquals(x, value!)).length);
}

/** Sorts in place with Python ordering; `key` and `reverse` as in Python. */
export function sortValues(items: PyValue[], key: PyValue | undefined, reverse: PyValue | undefined, rt: Runtime): void {
  const keyed = items.map((item) => ({ item, key: key === undefined || key === null ? item : rt.call(key, [item]) }));
  charge(items.length);
  const descending = reverse !== undefined && reverse !== null && pyEquals(reverse, true);
  keyed.sort((a, b) => (descending ? -1 : 1) * (pyCompare(a.key, b.key) || 0));
  keyed.forEach((k, i) => (items[i] = k.item));
}

const LIST_METHODS: Record<string, Method<PyValue[]>> = {
  append: (list, args, kwargs) => {
    const [item] = bindArgs('append', args, kwargs, ['object']);
    checkSize(list.length + 1, 0);
    list.push(item!);
    return null;
  },
  extend: (list, args, kwargs) => {
    const items = iterate(bindArgs('extend', args, kwargs, ['iterable'])[0]!);
    checkSize(list.length + items.length, 0);
    for (const item of items) list.push(item);
    return null;
  },
  insert: (list, args, kwargs) => {
    const [index, value] = bindArgs('insert', args, kwargs, ['index', 'object']);
    let i = Number(expectInt(index, 'index'));
    if (i < 0) i = Math.max(0, list.length + i);
    checkSize(list.length + 1);
    list.splice(Math.min(i, list.length), 0, value!);
    return null;
  },
  pop: (list, args, kwargs) => {
    const [index] = bindArgs('pop', args, kwargs, ['index'], 0);
    if (list.length === 0) throw pyError(EXC.IndexError, 'pop from empty list');
    let i = index === undefined ? list.length - 1 : Number(expectInt(index, 'index'));
    if (i < 0) i += list.length;
    if (i < 0 || i >= list.length) throw pyError(EXC.IndexError, 'pop index out of range');
    charge(list.length - i);
    return list.splice(i, 1)[0]!;
  },
  remove: (list, args, kwargs) => {
    const [value] = bindArgs('remove', args, kwargs, ['value']);
    charge(list.length);
    const i = list.findIndex((x) => pyEquals(x, value!));
    if (i < 0) throw pyError(EXC.ValueError, 'list.remove(x): x not in list');
    list.splice(i, 1);
    return null;
  },
  index: (list, args, kwargs) => indexOf(list, args, kwargs, 'list'),
  count: (list, args, kwargs) => countOf(list, args, kwargs),
  reverse: (list, args, kwargs) => {
    bindArgs('reverse', args, kwargs, []);
    charge(list.length);
    list.reverse();
    return null;
  },
  sort: (list, args, kwargs, rt) => {
    if (kwargs.has('cmp')) unsupported('list.sort(cmp=...)');
    const [key, reverse] = bindArgs('sort', args, kwargs, ['key', 'reverse'], 0);
    sortValues(list, key, reverse, rt);
    return null;
  },
};

const TUPLE_METHODS: Record<string, Method<PyTuple>> = {
  index: (t, args, kwargs) => indexOf(t.items, args, kwargs, 'tuple'),
  count: (t, args, kwargs) => countOf(t.items, args, kwargs),
};

// ---------------------------------------------------------------- dict

/** dict(...) and dict.update(...): a mapping or an iterable of pairs, then keywords. */
export function updateDict(d: PyDict, source: PyValue | undefined, kwargs: Kwargs): void {
  if (source instanceof PyDict) {
    charge(source.size);
    for (const [k, v] of source.items()) d.set(k, v);
  }
  else if (source !== undefined) {
    iterate(source).forEach((pair, i) => {
      if (!Array.isArray(pair) && !(pair instanceof PyTuple) && typeof pair !== 'string' && !(pair instanceof PyDict)) {
        throw pyError(EXC.TypeError, `cannot convert dictionary update sequence element #${i} to a sequence`);
      }
      const kv = iterate(pair);
      if (kv.length !== 2) {
        throw pyError(EXC.ValueError, `dictionary update sequence element #${i} has length ${kv.length}; 2 is required`);
      }
      d.set(kv[0]!, kv[1]!);
    });
  }
  for (const [k, v] of kwargs) d.set(k, v);
}

const DICT_METHODS: Record<string, Method<PyDict>> = {
  get: (d, args, kwargs) => {
    const [key, fallback] = bindArgs('get', args, kwargs, ['key', 'default'], 1);
    return d.get(key!) ?? fallback ?? null;
  },
  has_key: (d, args, kwargs) => d.has(bindArgs('has_key', args, kwargs, ['key'])[0]!),
  keys: (d) => (charge(d.size), d.keys()),
  values: (d) => (charge(d.size), d.values()),
  items: (d) => (charge(d.size), d.items().map((kv) => new PyTuple(kv))),
  iterkeys: (d) => (charge(d.size), d.keys()),
  itervalues: (d) => (charge(d.size), d.values()),
  iteritems: (d) => (charge(d.size), d.items().map((kv) => new PyTuple(kv))),
  update: (d, args, kwargs) => {
    updateDict(d, bindArgs('update', args, new Map(), ['other'], 0)[0], kwargs);
    return null;
  },
  setdefault: (d, args, kwargs) => {
    const [key, fallback = null] = bindArgs('setdefault', args, kwargs, ['key', 'default'], 1);
    if (!d.has(key!)) d.set(key!, fallback);
    return d.get(key!)!;
  },
  pop: (d, args, kwargs) => {
    const [key, fallback] = bindArgs('pop', args, kwargs, ['key', 'default'], 1);
    const value = d.get(key!);
    if (value === undefined) {
      if (fallback === undefined) throw pyError(EXC.KeyError, key!);
      return fallback;
    }
    d.delete(key!);
    return value;
  },
  copy: (d) => (charge(d.size), PyDict.from(d.items())),
  clear: (d) => {
    for (const k of d.keys()) d.delete(k);
    return null;
  },
};
