import type { Sxp } from './types.js';

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
      return pyRepr('None');
  }
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
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n)) return BigInt(n).toString();
  const s = formatG(n, 12);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** C's '%.<precision>g' for a finite number, correctly rounded half-to-even like glibc/dtoa. */
function formatG(n: number, precision: number): string {
  // 101 significant digits of the exact binary value: enough to see a true tie.
  const [mantissa = '', exponent = '0'] = Math.abs(n).toExponential(100).split('e');
  const all = mantissa.replace('.', '');
  let exp = Number(exponent);
  let head = all.slice(0, precision);
  const rest = all.slice(precision);
  const first = rest[0] ?? '0';
  const tie = /^50*$/.test(rest);
  if (first > '5' || (first === '5' && (!tie || Number(head.at(-1)) % 2 === 1))) {
    head = (BigInt(head) + 1n).toString();
    if (head.length > precision) {
      head = head.slice(0, precision);
      exp++;
    }
  }
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= precision) {
    const frac = head.slice(1).replace(/0+$/, '');
    return `${sign}${head[0]}${frac ? `.${frac}` : ''}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const int = exp >= 0 ? head.slice(0, exp + 1) : '0';
  const frac = (exp >= 0 ? head.slice(exp + 1) : '0'.repeat(-exp - 1) + head).replace(/0+$/, '');
  return sign + int + (frac ? `.${frac}` : '');
}
