import type { XendClient } from '../client/xend-client.js';
import type { Values } from './values.js';

/** What a command handler gets: its parsed input and lazy access to xend. */
export interface CommandContext {
  /** The canonical command name (`reboot` even when reached as `reb`). */
  command: string;
  /** The positional words as typed. */
  args: string[];
  /** The positional arguments by their registry name, converted to their declared type. */
  params: Values;
  /** The options by long name, converted to their declared type; flags are `true`. */
  opts: Values;
  json: boolean;
  /** stderr is a terminal: progress and summaries are shown there. */
  interactive: boolean;
  env: NodeJS.ProcessEnv;
  cwd: string;
  client(): XendClient;
  /** Runs another xm command line in this process, on this command's client and output (xm shell); its exit status. */
  xm(argv: readonly string[]): Promise<number>;
  /** A progress event: a text line now (stdout), or a JSON line in --json mode. */
  event(text: string, record: Record<string, unknown>): void;
  /** Spinner text on a terminal (stderr); silent when piped or in --json mode. */
  progress(text: string | null): void;
  /** A closing line after a long wait, on a terminal (stderr) only: silent when piped or in --json mode. */
  summary(text: string): void;
  /** xm's warnings on stderr (deprecations and the like). */
  warn(text: string): void;
  /** The user's terminal, for interactive commands (console). */
  terminal: { input: NodeJS.ReadStream; output: NodeJS.WriteStream };
}
