import { PyFloat, pyFloatStr } from './float.js';
import type { Sxp } from './types.js';
import { Py2KeyOrder } from '../py2-dict-order.js';

/**
 * sxp.show / sxp.to_string: one line, no trailing newline. Numbers print as
 * Python str() would, a bigint (Python long) and null (None) fall through to
 * repr(str(x)) and so are quoted, strings are bare only when atomp().
 */
export function show(v: Sxp): string {
  if (Array.isArray(v)) return `(${v.map(show).join(' ')})`;
  switch (typeof v) {
    case 'string':
      return atomp(v) ? v : pyRepr(v);
    case 'number':
      return pyNumber(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'bigint':
      return pyRepr(v.toString());
    default:
      if (v instanceof PyFloat) return pyFloatStr(v.value);
      // A dict xm put in a config (cpuid), shown as sxp.show showed any other value: repr(str(x)).
      return isStruct(v) ? pyRepr(pyDictStr(v)) : pyRepr('None');
  }
}

/** A dict inside an SXP value: what xm sends as an XML-RPC struct, and the decoder gives as a plain object. */
function isStruct(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;
}

/** Python 2's str() of a dict of strings and dicts, in its iteration order. */
function pyDictStr(d: Record<string, unknown>): string {
  const item = (x: unknown): string => (typeof x === 'string' ? pyRepr(x) : isStruct(x) ? pyDictStr(x) : show(x as Sxp));
  return `{${new Py2KeyOrder(Object.keys(d)).keys().map((k) => `${pyRepr(k)}: ${item(d[k])}`).join(', ')}}`;
}

const ATOM = /^[A-Za-z0-9.\-_:/~]+$/;

/** sxp.atomp (4.1+): printable bare, i.e. non-empty and only `A-Za-z0-9.-_:/~`, or `@`. */
export function atomp(s: string): boolean {
  return s === '@' || ATOM.test(s);
}

/**
 * A JS string as the Python byte string it stands for: chars up to U+00FF are
 * single bytes (what the parser produces from escapes), others their UTF-8 bytes.
 */
export function pyBytes(s: string): number[] {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp <= 0xff) bytes.push(cp);
    else bytes.push(...utf8.encode(ch));
  }
  return bytes;
}

/** Python 2 repr() of a byte string, with its quote choice and escapes. */
export function pyRepr(s: string): string {
  const bytes = pyBytes(s);
  const quote = bytes.includes(0x27) && !bytes.includes(0x22) ? '"' : "'";
  let out = quote;
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (c === quote || c === '\\') out += `\\${c}`;
    else if (c === '\t') out += '\\t';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + quote;
}

/**
 * Python 2 str() of a number: an integral value prints as a Python int would
 * (we cannot tell 5 from 5.0), anything else as str(float), i.e. '%.12g' with
 * '.0' added when the result looks like an int.
 */
export function pyNumber(n: number): string {
  return Number.isFinite(n) && Number.isInteger(n) ? BigInt(n).toString() : pyFloatStr(n);
}
