import { CliError } from './errors.js';
import { isPyInt } from '../python-int.js';

/**
 * What an option's value or an argument is (virsh's VSH_OT_* and vshCommandOptScaledInt):
 * getopt and main convert every value through here, so a bad one is refused in
 * one place, with xm's words, before a handler runs.
 */
export type ValueType =
  /** Free text (the default). */
  | 'string'
  /** Python's int(): optional blanks and sign around decimal digits. */
  | 'int'
  /** A positive int (xentop -i). */
  | 'count'
  /** Python's float() (sched-sedf's milliseconds). */
  | 'float'
  /** xm's int_unit: MiB, or a number with a k/m/g suffix; in MiB. */
  | 'memory'
  /** A positive number of seconds (xentop -d). */
  | 'seconds'
  /** Seconds to wait, 0 included (--timeout; its own message, since xm had none). */
  | 'timeout'
  /** One of `choices`, in any case. */
  | 'choice'
  /** A VCPU number or `all` (vcpu-pin). */
  | 'vcpu'
  /** xm's cpu_make_map list (`0-3,5,^1`), as the sorted "0,2,3" xend takes. */
  | 'cpus'
  /** Text that names a file (completion offers file names). */
  | 'file'
  /** A colon-separated directory list (completion offers directories). */
  | 'dirs'
  /** Text that names a domain (completion offers domains). */
  | 'domain';

export type Value = string | number;

/** A value of the wrong form: `Error: <message>` and the command's usage, as xm's ValueError was. */
export class InvalidValueError extends CliError {
  constructor(message = 'Invalid argument.') {
    super(message, 1, true);
  }
}

const int = (text: string): number | undefined => (isPyInt(text) ? Number(text) : undefined);

const UNIT_BYTES: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 };

/**
 * MiB as xm's int_unit(text, 'm') made them: Python's int() of the text, or of all but a
 * last letter that is the unit (k, m, g; any other letter counted bytes). A negative
 * number goes on to xend, which says why it cannot be.
 */
function memory(text: string, notice: Notice): number | undefined {
  const unit = text.slice(-1);
  if (!/[A-Za-z]/.test(unit)) return int(text);
  const bytes = UNIT_BYTES[unit.toLowerCase()];
  // xm said so before it converted the number.
  if (bytes === undefined) notice('ignoring unknown unit');
  const value = int(text.slice(0, -1));
  if (value === undefined) return undefined;
  if (bytes === undefined) return Math.floor(value / 2 ** 20);
  return bytes < 2 ** 20 ? Math.floor(value / (2 ** 20 / bytes)) : value * (bytes / 2 ** 20);
}

function cpus(list: string): string | undefined {
  let out: number[] = [];
  for (const c of list.split(',')) {
    if (c === '') continue;
    if (c.includes('-')) {
      const parts = c.split('-');
      const [from, to] = parts.map(int);
      if (parts.length !== 2 || from === undefined || to === undefined) return undefined;
      for (let i = from; i <= to; i++) out.push(i);
    } else if (c.startsWith('^')) {
      const drop = int(c.slice(1));
      if (drop === undefined) return undefined;
      out = out.filter((x) => x !== drop);
    } else {
      const one = int(c);
      if (one === undefined) return undefined;
      out.push(one);
    }
  }
  return out.sort((a, b) => a - b).join(',');
}

/** A number of seconds as JavaScript reads one; `zero` whether 0 is allowed. */
function seconds(text: string, zero: boolean): number | undefined {
  const n = Number(text);
  return Number.isFinite(n) && (n > 0 || (zero && n === 0)) ? n : undefined;
}

/** A line xm printed while it converted a value (int_unit's 'ignoring unknown unit'). */
export type Notice = (line: string) => void;

const CONVERT: Record<ValueType, (text: string, notice: Notice) => Value | undefined> = {
  string: (t) => t,
  file: (t) => t,
  dirs: (t) => t,
  domain: (t) => t,
  choice: (t) => t,
  int,
  count: (t) => {
    const n = int(t);
    return n !== undefined && n > 0 ? n : undefined;
  },
  memory,
  float: (t) => (t.trim() !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined),
  seconds: (t) => seconds(t, false),
  timeout: (t) => seconds(t, true),
  vcpu: (t) => (t.toLowerCase() === 'all' ? 'all' : int(t)),
  cpus: (t) => cpus(t === 'all' ? '0-63' : t),
};

/** The value of `text` as `type`, or xm's error for it. */
export function convert(type: ValueType, text: string, notice: Notice = () => {}): Value {
  const v = CONVERT[type](text, notice);
  if (v === undefined) throw new InvalidValueError(type === 'timeout' ? `Invalid timeout: ${text}` : undefined);
  return v;
}

/** Parsed values by name, read with the type the registry declared (no casts in handlers). */
export class Values {
  constructor(private readonly map: ReadonlyMap<string, Value | true> = new Map()) {}

  has(name: string): boolean {
    return this.map.has(name);
  }

  /** The raw value: a flag's `true`, or the converted value. */
  get(name: string): Value | true | undefined {
    return this.map.get(name);
  }

  string(name: string): string | undefined {
    const v = this.map.get(name);
    return typeof v === 'string' ? v : undefined;
  }

  number(name: string): number | undefined {
    const v = this.map.get(name);
    return typeof v === 'number' ? v : undefined;
  }

  /** A copy with one more value (xm new runs create's handler as a dry run). */
  with(name: string, value: Value | true): Values {
    return new Values(new Map([...this.map, [name, value]]));
  }

  entries(): IterableIterator<[string, Value | true]> {
    return this.map.entries();
  }
}

/** The positional arguments by their registry name, converted (a variadic one stays in `ctx.args` only). */
export function argValues(specs: readonly { name: string; type?: ValueType; variadic?: boolean }[], args: readonly string[], notice?: Notice): Values {
  const map = new Map<string, Value>();
  specs.forEach((s, i) => {
    if (i < args.length && !s.variadic) map.set(s.name, convert(s.type ?? 'string', args[i]!, notice));
  });
  return new Values(map);
}
