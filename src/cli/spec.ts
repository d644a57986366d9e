import type { CommandContext } from './context.js';

/** One option of a command, in getopt terms. */
export interface OptionSpec {
  long: string;
  short?: string;
  /** Metavariable when the option takes a value (`--state=<state>`); absent for flags. */
  arg?: string;
  /** The value is optional and can only be given as `--long=value` (`--replay[=N]`). */
  optionalArg?: boolean;
  desc: string;
  /** Fixed values, offered by completion and checked by the parser. */
  choices?: readonly string[];
  /** The value names a domain (`sched-credit -d`): completion offers these. */
  domains?: DomainFilter;
  /** Documented elsewhere (global options) or deprecated: kept out of the help table. */
  hidden?: boolean;
}

/** Which domains a domain argument accepts, so completion offers only those. */
export type DomainFilter = 'any' | 'running' | 'paused' | 'active';

export interface ArgSpec {
  name: string;
  kind: 'domain' | 'file' | 'value';
  domains?: DomainFilter;
  /** xend refuses Domain-0 here (pause, destroy, …): completion does not offer it. */
  guestOnly?: boolean;
  /** Completion candidates for a `value` argument with a fixed set. */
  choices?: readonly string[];
}

/** xm's help groups, in its order. */
export const GROUPS = ['domain', 'host', 'scheduler'] as const;
export type Group = (typeof GROUPS)[number];

/** A command's behaviour: returns data; `text` renders it the way xm printed it. */
export interface CommandModule<T = unknown> {
  run(ctx: CommandContext): Promise<T>;
  text(data: T): string;
  /** The JSON document for `--json`; defaults to the data itself. */
  json?(data: T): unknown;
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
  /** Positional argument count bounds (xm's arg_check). */
  min: number;
  max: number;
  needsXend: boolean;
  load(): Promise<CommandModule<any>>;
}
