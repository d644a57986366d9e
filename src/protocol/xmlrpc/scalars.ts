/** Character data of XML-RPC scalar elements → values, strictly but as xmlrpclib reads them. */
import { I64_MAX, I64_MIN, NON_XML_CHAR, XmlRpcDecodeError } from './types.js';
import { PyFloat } from '../../sxp/float.js';

const REF = /&(?:#x([0-9A-Fa-f]{1,6});|#([0-9]{1,7});|(amp|lt|gt|quot|apos);)?/g;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const INT = /^[ \t\n]*([+-]?)0*(\d{1,19})[ \t\n]*$/;
const DIGITS = /^\d+$/;
const DOUBLE = /^[ \t\n]*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)[ \t\n]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATETIME =
  /^[ \t\n]*(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}(?::?\d{2})?)?[ \t\n]*$/;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export const show = (s: string): string => JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);

export function decodeRefs(text: string): string {
  return text.replace(REF, (ref, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return PREDEFINED[name]!;
    if (hex === undefined && dec === undefined) {
      throw new XmlRpcDecodeError(`bad entity reference near ${show(ref)}: only &amp; &lt; &gt; &quot; &apos; and &#…; exist`);
    }
    const cp = hex !== undefined ? parseInt(hex, 16) : Number(dec);
    if (cp > 0x10ffff || NON_XML_CHAR.test(String.fromCodePoint(cp))) throw new XmlRpcDecodeError(`character reference ${ref} is not an XML character`);
    return String.fromCodePoint(cp);
  });
}

export function parseInteger(text: string, tag: string): number | bigint {
  if (text.length <= 15 && DIGITS.test(text)) return Number(text); // the common case, without a match to allocate
  const m = INT.exec(text);
  if (!m) throw new XmlRpcDecodeError(`bad <${tag}> ${show(text)} (not an integer, or beyond 64 bits)`);
  const sign = m[1]!;
  const digits = m[2]!;
  if (digits.length <= 15) return sign === '-' ? -Number(digits) || 0 : Number(digits);
  const n = BigInt(sign + digits);
  if (n < I64_MIN || n > I64_MAX) throw new XmlRpcDecodeError(`<${tag}> ${show(text)} is beyond 64 bits`);
  return n >= MIN_SAFE && n <= MAX_SAFE ? Number(n) : n;
}

/** A <double>; a whole one stays a float (0.0), as xmlrpclib gives a Python float. */
export function parseDouble(text: string): number | PyFloat {
  const m = DOUBLE.exec(text);
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isFinite(n)) throw new XmlRpcDecodeError(`bad <double> ${show(text)}`);
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

export function parseBoolean(text: string): boolean {
  // Exactly as xmlrpclib: no whitespace, no "true".
  if (text === '1') return true;
  if (text === '0') return false;
  throw new XmlRpcDecodeError(`bad <boolean> ${show(text)}`);
}

export function parseBase64(text: string): Buffer {
  const b64 = text.replace(/[ \t\n]+/g, '');
  if (b64.length % 4 !== 0 || !BASE64.test(b64)) throw new XmlRpcDecodeError(`bad <base64> ${show(text)}`);
  return Buffer.from(b64, 'base64');
}

/** xmlrpclib's YYYYMMDDTHH:MM:SS carries no zone: read as UTC, as we write it. ISO 8601 extended forms too. */
export function parseDateTime(text: string): Date {
  const m = DATETIME.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac = '', zone = 'Z'] = m as unknown as string[];
    const date = new Date(0);
    date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
    date.setUTCHours(Number(h), Number(mi), Number(s), Number(frac.slice(0, 3).padEnd(3, '0')));
    // setUTC* roll 30 Feb over to March: a changed day or month means invalid.
    const valid =
      date.getUTCDate() === Number(d) && date.getUTCMonth() === Number(mo) - 1 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60;
    if (valid) {
      if (zone !== 'Z') {
        const minutes = Number(zone.slice(1, 3)) * 60 + (zone.length > 3 ? Number(zone.slice(-2)) : 0);
        date.setTime(date.getTime() - (zone[0] === '-' ? -minutes : minutes) * 60_000);
      }
      return date;
    }
  }
  throw new XmlRpcDecodeError(`bad <dateTime.iso8601> ${show(text)}`);
}
