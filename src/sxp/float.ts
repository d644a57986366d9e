/**
 * A Python float with a whole value (0.0, 3.0). A JS number cannot tell 0 from
 * 0.0, and xend's output and wire can: `(cpu_time 0.0)`, `<double>0.0</double>`.
 * Where xend has a float that may be whole, it is built as one of these; the
 * XML-RPC reader turns a whole <double> into one. It behaves as its number in
 * arithmetic and JSON, and prints as Python's str().
 */
export class PyFloat {
  constructor(readonly value: number) {}

  valueOf(): number {
    return this.value;
  }

  toString(): string {
    return pyFloatStr(this.value);
  }

  toJSON(): number {
    return this.value;
  }
}

/** A value xend keeps as a Python float: a whole one must still say so. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Python 2 str(float): '%.12g', with '.0' added when the result looks like an int. */
export function pyFloatStr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
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
