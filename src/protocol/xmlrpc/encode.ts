/**
 * XML-RPC writer. Output is byte-for-byte what Python's xmlrpc.client.dumps
 * (allow_none) writes for the same values — same newlines, `<nil/>` without
 * one, base64 in 76-column lines — except that CR is written as `&#13;` so it
 * is not turned into LF by the peer's parser, and values Python would turn
 * into broken XML or lose (control characters, NaN, undefined) are refused.
 */
import { charName, DEFAULT_MAX_DEPTH, I64_MAX, I64_MIN, NON_XML_CHAR, XmlRpcEncodeError, type XmlRpcValue } from './types.js';

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

function integer(n: number | bigint, out: string[]): void {
  if (n >= I32_MIN && n <= I32_MAX) {
    out.push('<value><int>', String(n), '</int></value>\n');
    return;
  }
  // Unsafe numbers like 2**60 are refused too: their digits are not the caller's value.
  const fits = typeof n === 'number' ? Number.isSafeInteger(n) : n >= I64_MIN && n <= I64_MAX;
  if (!fits) throw new XmlRpcEncodeError('int exceeds XML-RPC limits');
  out.push('<value><i8>', String(n), '</i8></value>\n'); // Python reads <i8>, never writes it
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

function base64(bytes: Uint8Array, out: string[]): void {
  const b64 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  out.push('<value><base64>\n');
  for (let i = 0; i < b64.length; i += 76) out.push(b64.slice(i, i + 76), '\n');
  out.push('</base64></value>\n');
}

function dateTime(d: Date, out: string[]): void {
  const year = d.getUTCFullYear();
  if (!(year >= 0 && year <= 9999)) throw new XmlRpcEncodeError(`cannot marshal Date ${String(d)}`);
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ for these years; ms dropped like Python
  const stamp = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 19)}`;
  out.push('<value><dateTime.iso8601>', stamp, '</dateTime.iso8601></value>\n');
}

// Pieces go into one array joined once: no rope of millions of concatenations.
// Takes unknown: callers written in JS, or holding `any`, reach here unchecked.
function value(v: unknown, depth: number, out: string[]): void {
  switch (typeof v) {
    case 'string':
      out.push('<value><string>', escapeText(v), '</string></value>\n');
      return;
    case 'number':
      if (Number.isInteger(v)) integer(v, out);
      else out.push('<value><double>', pyFloatRepr(v), '</double></value>\n');
      return;
    case 'bigint':
      integer(v, out);
      return;
    case 'boolean':
      out.push(v ? '<value><boolean>1</boolean></value>\n' : '<value><boolean>0</boolean></value>\n');
      return;
    case 'object':
      break;
    default:
      throw new XmlRpcEncodeError(`cannot marshal ${typeof v}`);
  }
  if (v === null) out.push('<value><nil/></value>');
  else if (v instanceof Uint8Array) base64(v, out);
  else if (v instanceof Date) dateTime(v, out);
  // A cycle also ends here instead of in a stack overflow.
  else if (depth >= DEFAULT_MAX_DEPTH) throw new XmlRpcEncodeError(`value nested deeper than ${DEFAULT_MAX_DEPTH} levels`);
  else if (Array.isArray(v)) {
    out.push('<value><array><data>\n');
    for (const item of v as unknown[]) value(item, depth + 1, out);
    out.push('</data></array></value>\n');
  } else {
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      throw new XmlRpcEncodeError(`cannot marshal ${name}`);
    }
    const obj = v as Record<string, unknown>;
    out.push('<value><struct>\n');
    // Object.keys includes an own "__proto__" key, and obj[k] reads the own property.
    for (const k of Object.keys(obj)) {
      out.push('<member>\n<name>', escapeText(k), '</name>\n');
      value(obj[k], depth + 1, out);
      out.push('</member>\n');
    }
    out.push('</struct></value>\n');
  }
}

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  const out = [HEADER, '<methodCall>\n<methodName>', escapeText(method), '</methodName>\n<params>\n'];
  for (const p of params) {
    out.push('<param>\n');
    value(p, 0, out);
    out.push('</param>\n');
  }
  out.push('</params>\n</methodCall>\n');
  return out.join('');
}

export function encodeResponse(result: XmlRpcValue): string {
  const out = [HEADER, '<methodResponse>\n<params>\n<param>\n'];
  value(result, 0, out);
  out.push('</param>\n</params>\n</methodResponse>\n');
  return out.join('');
}

export function encodeFault(code: number, message: string): string {
  if (!Number.isInteger(code) || code < I32_MIN || code > I32_MAX) {
    throw new XmlRpcEncodeError(`faultCode must be a 32-bit integer, not ${code}`);
  }
  const out = [HEADER, '<methodResponse>\n<fault>\n'];
  value({ faultCode: code, faultString: message }, 0, out);
  out.push('</fault>\n</methodResponse>\n');
  return out.join('');
}
