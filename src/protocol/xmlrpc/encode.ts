/**
 * XML-RPC writer. Output is byte-for-byte what Python's xmlrpc.client.dumps
 * (allow_none) writes for the same values — same newlines, `<nil/>` without
 * one, base64 in 76-column lines — except that CR is written as `&#13;` so it
 * is not turned into LF by the peer's parser, and values Python would turn
 * into broken XML or lose (control characters, NaN, undefined) are refused.
 */
import { charName, DEFAULT_MAX_DEPTH, I64_MAX, I64_MIN, NON_XML_CHAR, XmlRpcEncodeError, type XmlRpcValue } from './types.js';
import { PyFloat } from '../../sxp/float.js';
import { keptOf, type KeptArray } from './kept.js';

const HEADER = "<?xml version='1.0'?>\n";
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

// One cheap test decides whether a string needs any work at all.
const NEEDS_WORK = /[&<>\r\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;
const MARKUP = /[&<>\r]/g;
const REPLACEMENT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };

function escapeText(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  const bad = NON_XML_CHAR.exec(s);
  if (bad) {
    throw new XmlRpcEncodeError(`string contains ${charName(bad[0])} at index ${bad.index}, which XML 1.0 cannot carry`);
  }
  return s.replace(MARKUP, (c) => REPLACEMENT[c]!);
}

/** Encoded small non-negative ints, the most common numbers in SXP records (ids, sizes, flags); filled on use. */
const SMALL_INTS: (string | undefined)[] = new Array(4096);

function integer(n: number | bigint): string {
  if (typeof n === 'number' && n >= 0 && n < 4096) return (SMALL_INTS[n] ??= `<value><int>${n}</int></value>\n`);
  if (n >= I32_MIN && n <= I32_MAX) return `<value><int>${String(n)}</int></value>\n`;
  // Unsafe numbers like 2**60 are refused too: their digits are not the caller's value.
  const fits = typeof n === 'number' ? Number.isSafeInteger(n) : n >= I64_MIN && n <= I64_MAX;
  if (!fits) throw new XmlRpcEncodeError('int exceeds XML-RPC limits');
  return `<value><i8>${String(n)}</i8></value>\n`; // Python reads <i8>, never writes it
}

/**
 * Encoded short strings, memoised: SXP records repeat the same keys and values
 * ('domid', 'memory', 'destroy', names, uuids) in every response. Bounded: cleared when full.
 */
const STRINGS = new Map<string, string>();
const STRINGS_MAX = 16_384;
const MEMO_LEN = 64;

/**
 * An SXP pair of short strings or small ints — ['memory', 64], ['on_crash', 'restart'] —
 * encoded once and kept flat: most of a domain record is such pairs, and each would
 * otherwise be four pieces of a rope. Bounded like STRINGS.
 */
const PAIRS = new Map<string, Map<string | number, string>>();
let pairCount = 0;
function pair(a: unknown, b: unknown): string | undefined {
  if (typeof a !== 'string' || a.length > MEMO_LEN) return undefined;
  if (typeof b === 'string' ? b.length > MEMO_LEN : !(typeof b === 'number' && Number.isInteger(b) && b >= 0 && b < 4096)) return undefined;
  let byB = PAIRS.get(a);
  if (byB === undefined) PAIRS.set(a, (byB = new Map()));
  let e = byB.get(b as string | number);
  if (e === undefined) {
    e = `<value><array><data>\n${string(a)}${typeof b === 'string' ? string(b) : integer(b as number)}</data></array></value>\n`;
    e = Buffer.from(e, 'utf8').toString('utf8'); // a flat copy: a memo entry should not stay a rope
    if (++pairCount > STRINGS_MAX) {
      PAIRS.clear();
      pairCount = 0;
    }
    byB.set(b as string | number, e);
  }
  return e;
}

function string(s: string): string {
  if (s.length > MEMO_LEN) return `<value><string>${escapeText(s)}</string></value>\n`;
  let e = STRINGS.get(s);
  if (e === undefined) {
    e = `<value><string>${escapeText(s)}</string></value>\n`; // throws before caching a bad string
    if (STRINGS.size >= STRINGS_MAX) STRINGS.clear();
    STRINGS.set(s, e);
  }
  return e;
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new XmlRpcEncodeError(`cannot marshal ${x}: not a finite double`);
  const abs = Math.abs(x);
  // Both languages print the same shortest digits; here they also agree on the form.
  if (abs >= 1e-4 && abs < 1e16 && !Number.isInteger(x)) return String(x);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa = '0', exp = '0'] = abs.toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const point = Number(exp) + 1; // digits are 0.d1d2… × 10^point
  if (point <= -4 || point > 16) {
    const e = point - 1;
    const frac = digits.length > 1 ? `.${digits.slice(1)}` : '';
    return `${sign}${digits[0]}${frac}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}.0`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

function base64(bytes: Uint8Array): string {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let out = '<value><base64>\n';
  for (let i = 0; i < b64.length; i += 76) out += `${b64.slice(i, i + 76)}\n`;
  return `${out}</base64></value>\n`;
}

function dateTime(d: Date): string {
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new XmlRpcEncodeError(`cannot marshal Date ${String(d)}`);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ for these years; ms dropped like Python
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 19)}`;
  return `<value><dateTime.iso8601>${stamp}</dateTime.iso8601></value>\n`;
}

// Pieces are concatenated (V8 builds a rope, flattened once by Buffer.from): for
// SXP-shaped values this is ~2x faster than pushing ~250 pieces per domain into an
// array and joining it. Takes unknown: callers written in JS, or holding `any`, reach here unchecked.
function value(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return string(v);
    case 'number':
      return Number.isInteger(v) ? integer(v) : `<value><double>${pyFloatRepr(v)}</double></value>\n`;
    case 'bigint':
      return integer(v);
    case 'boolean':
      return v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n';
    case 'object':
      break;
    default:
      throw new XmlRpcEncodeError(`cannot marshal ${typeof v}`);
  }
  if (v === null) return '<value><nil/></value>';
  if (v instanceof Uint8Array) return base64(v);
  if (v instanceof Date) return dateTime(v);
  if (v instanceof PyFloat) return `<value><double>${pyFloatRepr(v.value)}</double></value>\n`;
  // A cycle also ends here instead of in a stack overflow.
  if (depth >= DEFAULT_MAX_DEPTH) throw new XmlRpcEncodeError(`value nested deeper than ${DEFAULT_MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    const kept = keptOf(v);
    if (kept) return `<value><array><data>\n${keptItems(v, kept, depth + 1).join('')}</data></array></value>\n`;
    if (v.length === 2) {
      const p = pair(v[0], v[1]);
      if (p !== undefined) return p;
    }
    let out = '<value><array><data>\n';
    for (let i = 0; i < v.length; i++) out += value(v[i], depth + 1);
    return `${out}</data></array></value>\n`;
  }
  const proto: unknown = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new XmlRpcEncodeError(`cannot marshal ${name}`);
  }
  const obj = v as Record<string, unknown>;
  let out = '<value><struct>\n';
  // Object.keys includes an own "__proto__" key, and obj[k] reads the own property.
  for (const k of Object.keys(obj)) out += `<member>\n<name>${escapeText(k)}</name>\n${value(obj[k], depth + 1)}</member>\n`;
  return `${out}</struct></value>\n`;
}

/**
 * The items of a kept list at `depth`, each in pieces: a kept item as its kept bytes
 * around its live element, encoded now (or as last time, if the same element).
 */
function keptItems(v: readonly unknown[], kept: readonly (KeptArray | undefined)[], depth: number): (string | Buffer)[] {
  const live = (x: XmlRpcValue) => value(x, depth + 1);
  const parts: (string | Buffer)[] = [];
  for (let i = 0; i < v.length; i++) {
    const k = kept[i];
    if (!k) {
      parts.push(value(v[i], depth));
      continue;
    }
    // As deep as the plain array would be, where value() would refuse it.
    if (depth >= DEFAULT_MAX_DEPTH) throw new XmlRpcEncodeError(`value nested deeper than ${DEFAULT_MAX_DEPTH} levels`);
    const { head, tail } = k.encoding(encodeValue);
    parts.push(head, k.liveEncoding(v[i] as XmlRpcValue[], live), tail);
  }
  return parts;
}

/** One value as encodeResponse writes it inside a document (`<value>…</value>`). */
export function encodeValue(v: XmlRpcValue): string {
  return value(v, 0);
}

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  let out = `${HEADER}<methodCall>\n<methodName>${escapeText(method)}</methodName>\n<params>\n`;
  for (const p of params) out += `<param>\n${value(p, 0)}</param>\n`;
  return `${out}</params>\n</methodCall>\n`;
}

export function encodeResponse(result: XmlRpcValue): string {
  return `${HEADER}<methodResponse>\n<params>\n<param>\n${value(result, 0)}</param>\n</params>\n</methodResponse>\n`;
}

/**
 * encodeResponse as pieces whose concatenation is the same document: one per
 * element of a top-level array, and a kept list's bytes as they are. A server
 * converts each piece to bytes while it is small; flattening one ~300 KiB string
 * built from ~25,000 pieces costs more than the encoding itself.
 */
export function encodeResponseParts(result: XmlRpcValue): (string | Buffer)[] {
  if (!Array.isArray(result)) return [encodeResponse(result)];
  const kept = keptOf(result);
  const items = kept ? keptItems(result, kept, 1) : result.map((v) => value(v, 1));
  return [`${HEADER}<methodResponse>\n<params>\n<param>\n<value><array><data>\n`, ...items, '</data></array></value>\n</param>\n</params>\n</methodResponse>\n'];
}

export function encodeFault(code: number, message: string): string {
  if (!Number.isInteger(code) || code < I32_MIN || code > I32_MAX) {
    throw new XmlRpcEncodeError(`faultCode must be a 32-bit integer, not ${code}`);
  }
  return `${HEADER}<methodResponse>\n<fault>\n${value({ faultCode: code, faultString: message }, 0)}</fault>\n</methodResponse>\n`;
}
