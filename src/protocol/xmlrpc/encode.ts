/**
 * XML-RPC writer. Output is byte-for-byte what Python's xmlrpc.client.dumps
 * (allow_none) writes for the same values — same newlines, `<nil/>` without
 * one, base64 in 76-column lines — except that CR is written as `&#13;` so it
 * is not turned into LF by the peer's parser, and values Python would turn
 * into broken XML or lose (control characters, NaN, undefined) are refused.
 */
import { DEFAULT_MAX_DEPTH, I64_MAX, I64_MIN, NON_XML_CHAR, XmlRpcEncodeError, type XmlRpcValue } from './types.js';

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
    const code = bad[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    throw new XmlRpcEncodeError(`string contains U+${code} at index ${bad.index}, which XML 1.0 cannot carry`);
  }
  return s.replace(MARKUP, (c) => REPLACEMENT[c]!);
}

function integer(n: number | bigint): string {
  if (n >= I32_MIN && n <= I32_MAX) return `<value><int>${n}</int></value>\n`;
  if (typeof n === 'number' ? Number.isSafeInteger(n) : n >= I64_MIN && n <= I64_MAX) {
    return `<value><i8>${n}</i8></value>\n`;
  }
  // Also for unsafe numbers like 2**60: their digits are not the caller's value.
  throw new XmlRpcEncodeError('int exceeds XML-RPC limits');
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (!Number.isFinite(x)) throw new XmlRpcEncodeError(`cannot marshal ${x}: not a finite double`);
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  const [mantissa = '0', exp = '0'] = Math.abs(x).toExponential().split('e');
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
  return `<value><dateTime.iso8601>${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 19)}</dateTime.iso8601></value>\n`;
}

// Takes unknown: callers written in JS, or holding `any`, reach here unchecked.
function value(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return `<value><string>${escapeText(v)}</string></value>\n`;
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
  // A cycle also ends here instead of in a stack overflow.
  if (depth >= DEFAULT_MAX_DEPTH) throw new XmlRpcEncodeError(`value nested deeper than ${DEFAULT_MAX_DEPTH} levels`);
  if (Array.isArray(v)) {
    let out = '<value><array><data>\n';
    for (const item of v as unknown[]) out += value(item, depth + 1);
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

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  let out = `${HEADER}<methodCall>\n<methodName>${escapeText(method)}</methodName>\n<params>\n`;
  for (const p of params) out += `<param>\n${value(p, 0)}</param>\n`;
  return `${out}</params>\n</methodCall>\n`;
}

export function encodeResponse(result: XmlRpcValue): string {
  return `${HEADER}<methodResponse>\n<params>\n<param>\n${value(result, 0)}</param>\n</params>\n</methodResponse>\n`;
}

export function encodeFault(code: number, message: string): string {
  if (!Number.isInteger(code) || code < I32_MIN || code > I32_MAX) {
    throw new XmlRpcEncodeError(`faultCode must be a 32-bit integer, not ${code}`);
  }
  const struct = value({ faultCode: code, faultString: message }, 0);
  return `${HEADER}<methodResponse>\n<fault>\n${struct}</fault>\n</methodResponse>\n`;
}
