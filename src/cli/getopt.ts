import { convert, Values, type Value } from './values.js';
import type { OptionSpec } from './spec.js';

/** A command-line error worded as Python's getopt words it (xm printed these verbatim). */
export class GetoptError extends Error {}

export interface Parsed {
  /** Values by long option name, converted to their declared type; flags are `true`. */
  opts: Values;
  args: string[];
}

/**
 * A negative number is an argument: xm passed mem-set's, vcpu-set's and domid's on to
 * xend (they used no getopt), and no option of xm is a digit.
 */
const NEGATIVE_NUMBER = /^-\d+$/;

/**
 * GNU-style getopt as xm used it: options and arguments may interleave, `--` ends
 * options, short flags cluster (`-wa`), long options accept unique prefixes and
 * `--opt=value` or `--opt value`. Syntax errors come first (all of them are
 * getopt's), then each value is converted (values.ts).
 */
export function getopt(argv: readonly string[], options: readonly OptionSpec[]): Parsed {
  const raw = new Map<string, string | true>();
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      args.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const spec = findLong(a.slice(2, eq < 0 ? undefined : eq), options);
      if (spec.optionalArg) {
        raw.set(spec.long, eq >= 0 ? a.slice(eq + 1) : true);
      } else if (spec.arg) {
        if (eq >= 0) raw.set(spec.long, a.slice(eq + 1));
        else if (i + 1 < argv.length) raw.set(spec.long, argv[++i]!);
        else throw new GetoptError(`option --${spec.long} requires argument`);
      } else {
        if (eq >= 0) throw new GetoptError(`option --${spec.long} must not have an argument`);
        raw.set(spec.long, true);
      }
    } else if (a.startsWith('-') && a.length > 1 && !NEGATIVE_NUMBER.test(a)) {
      for (let j = 1; j < a.length; j++) {
        const ch = a[j]!;
        const spec = findShort(ch, options);
        if (!spec) throw new GetoptError(`option -${ch} not recognized`);
        if (!spec.arg) {
          raw.set(spec.long, true);
          continue;
        }
        if (j + 1 < a.length) raw.set(spec.long, a.slice(j + 1));
        else if (i + 1 < argv.length) raw.set(spec.long, argv[++i]!);
        else throw new GetoptError(`option -${ch} requires argument`);
        break;
      }
    } else {
      args.push(a);
    }
  }
  for (const spec of options) {
    const v = raw.get(spec.long);
    if (spec.choices && typeof v === 'string' && !spec.choices.includes(v.toLowerCase())) {
      throw new GetoptError(`invalid value for --${spec.long}: ${v} (expected one of ${spec.choices.join(', ')})`);
    }
  }
  const opts = new Map<string, Value | true>();
  for (const spec of options) {
    const v = raw.get(spec.long);
    if (v !== undefined) opts.set(spec.long, v === true ? v : convert(spec.type ?? 'string', v));
  }
  return { opts: new Values(opts), args };
}

/** The option a `--name` means: the exact name, else a unique prefix (Python getopt's rule). */
export function findLong(name: string, options: readonly OptionSpec[]): OptionSpec {
  const exact = options.find((o) => o.long === name);
  if (exact) return exact;
  const matches = options.filter((o) => o.long.startsWith(name));
  if (matches.length === 1 && name !== '') return matches[0]!;
  if (matches.length === 0 || name === '') throw new GetoptError(`option --${name} not recognized`);
  throw new GetoptError(`option --${name} not a unique prefix`);
}

export function findShort(letter: string, options: readonly OptionSpec[]): OptionSpec | undefined {
  return options.find((o) => o.short === letter);
}
