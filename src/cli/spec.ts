import type { CommandContext } from './context.js';
import type { ValueType } from './values.js';

/** One option of a command, in getopt terms. */
export interface OptionSpec {
  long: string;
  short?: string;
  /** Metavariable when the option takes a value (`--state=<state>`); absent for flags. */
  arg?: string;
  /** What the value is (values.ts); 'string' when not given. */
  type?: ValueType;
  /** The value is optional and can only be given as `--long=value` (`--replay[=N]`). */
  optionalArg?: boolean;
  desc: string;
  /** Fixed values (type 'choice'), offered by completion and checked by the parser. */
  choices?: readonly string[];
  /** The value names a domain (type 'domain', `sched-credit -d`): completion offers these. */
  domains?: DomainFilter;
  /** Documented elsewhere (global options) or deprecated: kept out of the help table. */
  hidden?: boolean;
  /** Not in xm 4.4 (its text says so): xm's arg_check did not count it. */
  added?: true;
}

/** Which domains a domain argument accepts, so completion offers only those. */
export type DomainFilter = 'any' | 'running' | 'paused' | 'active';

export interface ArgSpec {
  name: string;
  kind: 'domain' | 'file' | 'value';
  /** How a `value` is converted (values.ts); text when not given. */
  type?: ValueType;
  /** The command cannot run without it (the count bounds come from these two flags). */
  required?: boolean;
  /** Takes every remaining word (the last argument only). */
  variadic?: boolean;
  domains?: DomainFilter;
  /** xend refuses Domain-0 here (pause, destroy, …): completion does not offer it. */
  guestOnly?: boolean;
  /** Completion candidates for a `value` argument with a fixed set. */
  choices?: readonly string[];
}

/** xm's help groups, in its order (main.py's all_commands; `other` is its trailing shell). */
export const GROUPS = ['domain', 'host', 'scheduler', 'device', 'vnet', 'security', 'acm', 'flask', 'tmem', 'cpupool', 'other'] as const;
export type Group = (typeof GROUPS)[number];

/** A command's behaviour: returns data; `text` renders it the way xm printed it. */
export interface CommandModule<T = unknown> {
  run(ctx: CommandContext): Promise<T>;
  text(data: T): string;
  /** The document for `--json` without its envelope (main adds `version`); defaults to the data itself. */
  json?(data: T): object;
}

/**
 * One declarative entry per xm command (like xl's cmd_table and virsh's vshCmdDef):
 * help, option parsing, man page and completion are all generated from these.
 */
export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  group: Group;
  /** The argstring of `Usage: xm <name> <usage>`. */
  usage: string;
  /** The one-line description of `xm help`. */
  help: string;
  /** What a user must know beyond the options (how to leave a console): after the option table and in xm(1). */
  notes?: string;
  options: readonly OptionSpec[];
  args: readonly ArgSpec[];
  /**
   * `--help` as xm printed the commands it imported from a module of their own (create.py, migrate.py):
   * after the description, an `Options:` list in that module's layout rather than xm's option table.
   */
  moduleHelp?: true;
  /** xm's own words for a wrong number of arguments, where it had some (else arg_check's). */
  arityError?: string;
  /**
   * xm's arg_check(args, name, lo[, hi]) before its getopt: the words as typed count, its options
   * included (not `--`, not the options added here).
   */
  argCheck?: readonly [lo: number, hi?: number];
  /** xm read only the arguments it needed and ignored the rest (`info x`; getopt stopping at the first word). */
  ignoresExtraArgs?: true;
  /**
   * xend's refusals are runtime failures, printed without the usage: xm's create and new
   * caught them themselves; a migration that cannot reach its destination is no usage error.
   */
  faultsWithoutUsage?: true;
  load(): Promise<CommandModule<any>>;
}

/** Positional argument count bounds (xm's arg_check), from the arguments' flags. */
export function arity(spec: Pick<CommandSpec, 'args'>): { min: number; max: number } {
  const last = spec.args[spec.args.length - 1];
  return { min: spec.args.filter((a) => a.required).length, max: last?.variadic ? Infinity : spec.args.length };
}
