/**
 * xend's top-level string quirk: a `str` result is sent as `repr(s)[1:-1]`
 * and xm's conv_string() evaluates it back. Strings are handled as the UTF-8
 * bytes Python 2 holds; unpaired surrogates take their 3-byte form, as
 * Python 2's codec writes them, so every JS string survives the round trip.
 */
import { XmlRpcDecodeError } from './types.js';

const HEX = Array.from({ length: 256 }, (_, b) => `\\x${b.toString(16).padStart(2, '0')}`);
// Printable ASCII other than ' and \: repr leaves such strings alone.
const PLAIN = /^[\x20-\x26\x28-\x5B\x5D-\x7E]*$/;

/** Python 2 `repr(s)[1:-1]` of the UTF-8 bytes of s. */
export function pyReprEscape(s: string): string {
  if (PLAIN.test(s)) return s;
  // repr quotes with " when s has ' but no "; only a '-quoted repr escapes '.
  const escapeQuote = !(s.includes("'") && !s.includes('"'));
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c === 0x5c) out += '\\\\';
      else if (c === 0x27) out += escapeQuote ? "\\'" : "'";
      else if (c === 0x09) out += '\\t';
      else if (c === 0x0a) out += '\\n';
      else if (c === 0x0d) out += '\\r';
      else if (c < 0x20 || c === 0x7f) out += HEX[c];
      else out += s[i];
      continue;
    }
    let cp = c;
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c < 0xdc00 && next >= 0xdc00 && next < 0xe000) {
      cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (cp < 0x800) out += HEX[0xc0 | (cp >> 6)]! + HEX[0x80 | (cp & 63)];
    else if (cp < 0x10000) out += HEX[0xe0 | (cp >> 12)]! + HEX[0x80 | ((cp >> 6) & 63)] + HEX[0x80 | (cp & 63)];
    else out += HEX[0xf0 | (cp >> 18)]! + HEX[0x80 | ((cp >> 12) & 63)] + HEX[0x80 | ((cp >> 6) & 63)] + HEX[0x80 | (cp & 63)];
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };

/**
 * xm's conv_string(): read s as the body of a Python 2 byte-string literal
 * and decode the bytes as UTF-8 (invalid bytes become U+FFFD).
 * Deviation: conv_string's `'` → `\047` substitution turns an escaped `\'`
 * into the text `\047`; here `\'` is a quote, so the round trip holds.
 * Text with non-ASCII characters is returned unchanged, as xm does: Python 2
 * xmlrpclib hands it over as `unicode`, which conv_string leaves alone.
 */
export function pyStringUnescape(s: string): string {
  if (!s.includes('\\') || /[^\x00-\x7F]/.test(s)) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 0x5c) {
      bytes.push(c);
      continue;
    }
    const e = s[++i];
    if (e === undefined) throw new XmlRpcDecodeError('string result ends in a lone backslash');
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) bytes.push(simple);
    else if (e === 'x') {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) throw new XmlRpcDecodeError(`invalid \\x escape in string result at ${i - 1}`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (e >= '0' && e <= '7') {
      let v = 0;
      for (let n = 0; n < 3 && s[i]! >= '0' && s[i]! <= '7'; n++) v = v * 8 + s.charCodeAt(i++) - 48;
      bytes.push(v & 0xff); // Python 2 keeps the low byte of \777
      i--;
    } else if (e !== '\n') bytes.push(0x5c, e.charCodeAt(0)); // unknown escapes stay; \<newline> is dropped
  }
  return fromUtf8(bytes);
}

/** UTF-8 decoder that, like Python 2, accepts encoded surrogates. */
function fromUtf8(bytes: number[]): string {
  const units: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
      continue;
    }
    const more = b0 >= 0xf0 && b0 <= 0xf4 ? 3 : b0 >= 0xe0 && b0 <= 0xef ? 2 : b0 >= 0xc2 && b0 <= 0xdf ? 1 : 0;
    let cp = b0 & (0x3f >> more);
    let k = 1;
    for (; k <= more; k++) {
      const b = bytes[i + k];
      if (b === undefined || (b & 0xc0) !== 0x80) break;
      cp = (cp << 6) | (b & 0x3f);
    }
    const min = more === 3 ? 0x10000 : more === 2 ? 0x800 : 0x80;
    if (more === 0 || k <= more || cp < min || cp > 0x10ffff) {
      units.push(0xfffd);
      i++;
    } else {
      if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
      else units.push(cp);
      i += more + 1;
    }
  }
  let out = '';
  for (let i = 0; i < units.length; i += 8192) out += String.fromCharCode(...units.slice(i, i + 8192));
  return out;
}
