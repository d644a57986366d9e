/** Python's `format % values` string interpolation (Python 2 semantics). */
import { chargeInts, checkSize, decimal } from './budget.js';
import {
  EXC,
  PyDict,
  PyTuple,
  floatRepr,
  formatE,
  formatF,
  formatG,
  numeric,
  withPoint,
  pyError,
  pyRepr,
  pyStr,
  typeName,
  type PyValue,
} from './values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([\s\S])?/y;

interface Spec {
  flags: string;
  width: number;
  precision: number | null;
}

export function percentFormat(format: string, operand: PyValue): string {
  const args = operand instanceof PyTuple ? [...operand.items] : [operand];
  const mapping = operand instanceof PyDict ? operand : null;
  let argIndex = 0;
  let usedMapping = false;
  const nextArg = (): PyValue => {
    if (argIndex >= args.length) throw pyError(EXC.TypeError, 'not enough arguments for format string');
    return args[argIndex++]!;
  };

  let out = '';
  const emit = (text: string) => {
    checkSize(out.length + text.length, text.length);
    out += text;
  };
  let pos = 0;
  while (pos < format.length) {
    const percent = format.indexOf('%', pos);
    if (percent < 0) {
      emit(format.slice(pos));
      break;
    }
    emit(format.slice(pos, percent));
    SPEC.lastIndex = percent;
    const m = SPEC.exec(format)!;
    const [whole, key, flags = '', widthText, precisionText, conversion] = m;
    pos = percent + whole.length;
    if (conversion === undefined) throw pyError(EXC.ValueError, 'incomplete format');

    let value: PyValue | undefined;
    if (key !== undefined) {
      if (!mapping) throw pyError(EXC.TypeError, 'format requires a mapping');
      usedMapping = true;
      value = mapping.get(key);
      if (value === undefined) throw pyError(EXC.KeyError, key);
    }
    const width = widthText === '*' ? starArgument(nextArg()) : Number(widthText ?? 0);
    const precision = precisionText === undefined ? null : precisionText === '*' ? starArgument(nextArg()) : Number(precisionText);
    // Widths and precisions are what a piece is padded to: refused before any padding is built.
    checkSize(Math.abs(width), 0);
    if (precision !== null) checkSize(Math.abs(precision), 0);
    const spec: Spec = { flags: width < 0 ? flags + '-' : flags, width: Math.abs(width), precision };
    if (conversion === '%') {
      emit('%');
      continue;
    }
    emit(convert(conversion, value === undefined ? nextArg() : value, spec, percent));
  }
  if (argIndex < args.length && !(usedMapping || (mapping && argIndex === 0))) {
    throw pyError(EXC.TypeError, 'not all arguments converted during string formatting');
  }
  return out;
}

function starArgument(v: PyValue): number {
  if (typeof v !== 'bigint' && typeof v !== 'boolean') throw pyError(EXC.TypeError, '* wants int');
  return Number(numeric(v));
}

function convert(conversion: string, value: PyValue, spec: Spec, index: number): string {
  switch (conversion) {
    case 's':
    case 'r': {
      const text = conversion === 's' ? pyStr(value) : pyRepr(value);
      return pad(spec.precision === null ? text : text.slice(0, spec.precision), spec);
    }
    case 'd':
    case 'i':
    case 'u':
      return integer(toInteger(value, conversion), 10, '', spec);
    case 'x':
    case 'X': {
      const prefix = spec.flags.includes('#') ? '0' + conversion : '';
      const digits = integer(toInteger(value, conversion), 16, prefix, spec);
      return conversion === 'X' ? digits.toUpperCase() : digits;
    }
    case 'o':
      return integer(toInteger(value, conversion), 8, spec.flags.includes('#') ? '0' : '', spec);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return floating(conversion, toFloat(value), spec);
    case 'c':
      return pad(character(value), spec);
  }
  throw pyError(
    EXC.ValueError,
    `unsupported format character '${conversion}' (0x${conversion.charCodeAt(0).toString(16)}) at index ${index + 1}`,
  );
}

function toInteger(v: PyValue, conversion: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number' && Number.isFinite(v)) return BigInt(Math.trunc(v));
  throw pyError(EXC.TypeError, `%${conversion} format: a number is required, not ${typeName(v)}`);
}

function toFloat(v: PyValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return Number(numeric(v));
  throw pyError(EXC.TypeError, `float argument required, not ${typeName(v)}`);
}

function character(v: PyValue): string {
  if (typeof v === 'string') {
    if (v.length !== 1) throw pyError(EXC.TypeError, '%c requires int or char');
    return v;
  }
  if (typeof v === 'bigint' && v >= 0n && v < 256n) return String.fromCharCode(Number(v));
  if (typeof v === 'bigint') throw pyError(EXC.OverflowError, 'unsigned byte integer is greater than maximum');
  throw pyError(EXC.TypeError, '%c requires int or char');
}

function sign(negative: boolean, flags: string): string {
  if (negative) return '-';
  if (flags.includes('+')) return '+';
  return flags.includes(' ') ? ' ' : '';
}

function integer(n: bigint, radix: number, prefix: string, spec: Spec): string {
  const magnitude = n < 0n ? -n : n;
  if (radix !== 10) chargeInts(magnitude, 0n);
  let digits = radix === 10 ? decimal(magnitude) : magnitude.toString(radix);
  if (spec.precision !== null) digits = digits.padStart(spec.precision, '0');
  // Python 2: '%#o' % 0 is '0', not '00'.
  if (prefix === '0' && digits.startsWith('0')) prefix = '';
  return padNumber(sign(n < 0n, spec.flags) + prefix, digits, spec);
}

function floating(conversion: string, x: number, spec: Spec): string {
  const precision = spec.precision ?? 6;
  const lower = conversion.toLowerCase();
  const magnitude = Math.abs(x);
  let body: string;
  if (!Number.isFinite(x)) body = floatRepr(magnitude);
  else if (lower === 'g') body = formatG(magnitude, precision, spec.flags.includes('#'));
  else {
    body = lower === 'e' ? formatE(magnitude, precision) : formatF(magnitude, precision);
    if (spec.flags.includes('#')) body = withPoint(body);
  }
  if (conversion !== lower) body = body.toUpperCase();
  const negative = x < 0 || Object.is(x, -0);
  return padNumber(sign(negative, spec.flags), body, { ...spec, flags: Number.isFinite(x) ? spec.flags : spec.flags.replace(/0/g, '') });
}

function padNumber(prefix: string, digits: string, spec: Spec): string {
  if (spec.flags.includes('0') && !spec.flags.includes('-')) {
    return prefix + digits.padStart(spec.width - prefix.length, '0');
  }
  return pad(prefix + digits, spec);
}

function pad(text: string, spec: Spec): string {
  return spec.flags.includes('-') ? text.padEnd(spec.width) : text.padStart(spec.width);
}
