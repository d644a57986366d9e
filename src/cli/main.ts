import { GLOBAL_OPTIONS, findCommand } from './registry.js';
import { getopt, GetoptError } from './getopt.js';
import { commandHelp, longHelp, shortHelp } from './help.js';
import { CliError, SilentError, UsageError, UsageNotice, EXIT_UNKNOWN_DOMAIN } from './errors.js';
import { XendFaultError, XendProtocolError, XendTimeoutError, XendUnreachableError } from '../transport/errors.js';
import { versionLine } from '../version.js';
import { afterOut, outStream, writeOut } from './stdout.js';
import { envelope } from './render/envelope.js';
import type { CommandContext } from './context.js';
import { arity, type CommandSpec } from './spec.js';
import { argValues } from './values.js';
import type { XendClient } from '../client/xend-client.js';

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Whether stderr is a terminal with a width (spinners only then). */
  interactiveStderr: boolean;
  /** The client for a server URI; connect.ts's by default (tests give one over a fake transport). */
  connect?(serverUri: string | undefined): XendClient;
  /** The user's terminal for interactive commands; the process's by default (tests give streams). */
  terminal?: CommandContext['terminal'];
}

/** Whether xm wrote to stderr, a stream Node builds on first use (so exitWhenFlushed leaves it alone otherwise). */
let stderrUsed = false;

const processIo = (): Io => ({
  stdout: writeOut,
  stderr: (t) => {
    stderrUsed = true;
    process.stderr.write(t);
  },
  env: process.env,
  // A getter: process.cwd() throws where the folder is gone, which only a command using it should meet.
  get cwd() {
    return process.cwd();
  },
  // A getter: touching process.stderr builds its stream (tty/net, ~3-8 ms) even when nothing is written.
  get interactiveStderr() {
    return Boolean(process.stderr.isTTY && process.stderr.columns > 0 && process.env.TERM !== 'dumb');
  },
});

/** xm's entry point: returns the exit status and never exits the process itself. */
export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
  let global;
  try {
    global = leadingGlobals(argv);
  } catch (err) {
    io.stderr(`Error: ${(err as Error).message}\n`);
    return 1;
  }
  const [word, ...rest] = global.rest;
  if (word === undefined) {
    io.stdout(shortHelp());
    return 1;
  }
  if (word === 'help' || word === '--help' || word === '-h') {
    io.stdout(longHelp());
    return 0;
  }
  if (word === '__complete') {
    // Tab completion: no handler is loaded, one short round trip to xend at most.
    const { complete } = await import('./complete.js');
    return complete(rest, io);
  }
  if (word === '--version' || word === '-V') {
    io.stdout(`${versionLine('xm')}\n`);
    return 0;
  }
  const found = findCommand(word);
  if (!found) {
    // xm's line first (scripts match it), then what was probably meant.
    const { suggestCommand } = await import('./suggest.js');
    const hint = suggestCommand(word);
    const message = `Subcommand ${word} not found!${hint ? `\n${hint}` : ''}`;
    if (global.json) {
      io.stdout(envelope({ error: { type: 'usage', message, exit: 1 } }));
      return 1;
    }
    io.stderr(`Error: ${message}\n`);
    io.stdout(shortHelp());
    return 1;
  }
  const spec = found.spec;
  if (found.deprecatedAlias) {
    io.stderr(`Command ${found.deprecatedAlias} is deprecated.  Please use xm ${spec.name} instead.\n`);
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(spec));
    return 1;
  }
  let json = global.json;
  let serverUri = global.server;
  try {
    xmArgCheck(spec, rest);
    const parsed = getopt(rest, [...spec.options, ...GLOBAL_OPTIONS]);
    json ||= parsed.opts.has('json');
    serverUri = parsed.opts.string('server') ?? serverUri;
    checkArgCount(spec, parsed.args.length);
    const params = argValues(spec.args, parsed.args, (line) => (json ? io.stderr(`${line}\n`) : io.stdout(`${line}\n`)));
    // The transport (node:http, the XML-RPC codec) loads only for a command, never for --version or help.
    const [module, { connect }] = await Promise.all([spec.load(), import('./connect.js')]);
    let client: XendClient | undefined;
    const progress = progressReporter(io, json);
    const ctx: CommandContext = {
      command: spec.name,
      args: parsed.args,
      params,
      opts: parsed.opts,
      json,
      env: io.env,
      get cwd() {
        return io.cwd;
      },
      client: () => (client ??= io.connect ? io.connect(serverUri) : connect(serverUri, io)),
      // xm shell's commands: this process, this output, this command's client unless one names its own server.
      xm: (argv) => main(argv, { ...io, connect: (uri) => (uri === undefined ? ctx.client() : io.connect ? io.connect(uri) : connect(uri, io)) }),
      event: (text, record) => progress.above(() => io.stdout(json ? envelope({ event: record }) : `${text}\n`)),
      // A getter, as io's: only a command that shows progress asks, and asking builds process.stderr (a TTY stream on a terminal).
      get interactive() {
        return io.interactiveStderr;
      },
      progress: progress.set,
      summary: (text) => {
        if (!json && io.interactiveStderr) progress.above(() => io.stderr(`${text}\n`));
      },
      warn: (text) => io.stderr(`${text}\n`),
      // Getters: process.stdin is a stream built on first touch (tty/net), wanted only by xm console.
      terminal: io.terminal ?? {
        get input() {
          return process.stdin;
        },
        get output() {
          return outStream();
        },
      },
    };
    let data;
    try {
      data = await module.run(ctx);
    } finally {
      // The spinner is erased before the final line, so no frame is left in front of it.
      ctx.progress(null);
    }
    io.stdout(json ? envelope(module.json ? module.json(data) : data) : module.text(data));
    return 0;
  } catch (err) {
    return report(err, spec, json, io, serverUri);
  }
}

/** `--json` and `--server URI` may also come before the subcommand. */
function leadingGlobals(argv: readonly string[]): { json: boolean; server: string | undefined; rest: string[] } {
  let json = false;
  let server: string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a.startsWith('--server=')) server = a.slice('--server='.length);
    else if (a === '--server') {
      server = argv[++i];
      if (server === undefined) throw new Error('option --server requires argument');
    } else break;
  }
  return { json, server, rest: argv.slice(i) };
}

/** arg_check's words for a count out of bounds (a lower bound alone is not xm's: no xm command had one). */
function arityError(name: string, min: number, max: number): UsageError {
  if (min === max) return new UsageError(`'xm ${name}' requires ${min} argument${min === 1 ? '' : 's'}.\n`);
  if (max === Infinity) return new UsageError(`'xm ${name}' requires at least ${min} argument${min === 1 ? '' : 's'}.\n`);
  return new UsageError(`'xm ${name}' requires between ${min} and ${max} arguments.\n`);
}

function checkArgCount(spec: CommandSpec, n: number): void {
  const { min, max } = arity(spec);
  if (n >= min && (n <= max || spec.ignoresExtraArgs)) return;
  throw spec.arityError ? new UsageError(spec.arityError) : arityError(spec.name, min, max);
}

/** xm's arg_check, on the words as typed: xm's own options count, `--` and the options added here do not. */
function xmArgCheck(spec: CommandSpec, words: readonly string[]): void {
  if (!spec.argCheck) return;
  const [lo, hi] = spec.argCheck;
  const added = [...spec.options, ...GLOBAL_OPTIONS].filter((o) => o.added);
  let n = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') continue;
    const long = w.startsWith('--');
    const option = long ? added.find((o) => o.long === w.slice(2).split('=')[0]) : w.startsWith('-') ? added.find((o) => o.short === w[1]) : undefined;
    if (!option) n++;
    // Its value is the next word unless joined to it (`--delay=2`, `-d2`).
    else if (option.arg && !option.optionalArg && (long ? !w.includes('=') : w.length === 2)) i++;
  }
  const max = hi ?? lo;
  if (n < lo || n > max) throw arityError(spec.name, lo, max);
}

/** The spinner of a long wait: `set` its text (null ends it); `above` prints a line above it, leaving no frame behind. */
function progressReporter(io: Io, json: boolean): { set(text: string | null): void; above(print: () => void): void } {
  if (json) return { set: () => {}, above: (print) => print() };
  let spinner: { text: string; stop(): void; clear(): void; render(): void } | undefined;
  let pending: Promise<void> | undefined;
  /** What the spinner should say now; null once progress has ended (ora may still be loading then). */
  let wanted: string | null = null;
  const above = (print: () => void) => {
    spinner?.clear();
    print();
    spinner?.render();
  };
  const set = (text: string | null) => {
    if (text !== null && !io.interactiveStderr) return;
    wanted = text;
    if (text === null) {
      spinner?.stop();
      spinner = undefined;
      return;
    }
    if (spinner) {
      spinner.text = text;
      return;
    }
    pending ??= import('ora').then(({ default: ora }) => {
      pending = undefined;
      if (wanted === null) return;
      // chalk (inside ora) ignores NO_COLOR; honour it here.
      // isEnabled: the terminal was checked above; ora's own check also refuses whenever CI is set, and then
      // prints its text as a line that is never erased.
      // discardStdin off: the terminal keeps making Ctrl-C a SIGINT, which xm's cancels wait for (ora's raw
      // mode passed it on only while stdin flowed).
      spinner = ora({ text: wanted, stream: process.stderr, isEnabled: true, discardStdin: false, color: io.env.NO_COLOR ? false : 'cyan' }).start();
    });
  };
  return { set, above };
}

interface Failure {
  type: string;
  message: string;
  code: number;
  usage: boolean;
  /** Printed as is, without `Error: ` (xm's "Xend has probably crashed!"). */
  bare?: boolean;
  /** Printed on stdout, as xm's print did (UsageNotice). */
  printed?: boolean;
}

/** How xm worded each failure, with its exit status and whether the usage follows. */
async function describe(err: unknown, io: Io, serverUri: string | undefined): Promise<Failure> {
  if (err instanceof SilentError) return { type: 'silent', message: '', code: err.exitCode, usage: false };
  if (err instanceof GetoptError) return { type: 'usage', message: err.message, code: 1, usage: true };
  if (err instanceof UsageNotice) return { type: 'usage', message: err.message, code: err.exitCode, usage: true, printed: true };
  if (err instanceof CliError) return { type: err instanceof UsageError ? 'usage' : 'cli', message: err.message, code: err.exitCode, usage: err.showUsage };
  if (err instanceof XendFaultError) {
    return err.faultCode === 3
      ? { type: 'unknown-domain', message: `Domain '${err.faultString}' does not exist.`, code: EXIT_UNKNOWN_DOMAIN, usage: false }
      : { type: 'xend-fault', message: err.faultString, code: 1, usage: true };
  }
  if (err instanceof XendUnreachableError) {
    // xm's line, then where it looked and why there (the choice is made again: only on this path).
    const { chooseServer } = await import('../transport/server-choice.js');
    const { uri, chosenBy } = chooseServer(serverUri, io.env, () => {});
    const message = `Unable to connect to xend: ${err.reason}. Is xend running?\nxm looked for xend at ${uri} (${chosenBy}).`;
    return { type: 'xend-unreachable', message, code: 1, usage: false };
  }
  if (err instanceof XendProtocolError) {
    return { type: 'xend-protocol', message: `Xend has probably crashed!  ${err.message}.`, code: 1, usage: false, bare: true };
  }
  if (err instanceof XendTimeoutError) return { type: 'timeout', message: err.message, code: 1, usage: false };
  if (io.env.XM_DEBUG) io.stderr(`${(err as Error)?.stack}\n`);
  return { type: 'internal', message: `internal error: ${(err as Error)?.message ?? String(err)}`, code: 1, usage: false };
}

/** Prints a failure the way xm did (or as JSON) and returns its exit status. */
async function report(err: unknown, spec: CommandSpec, json: boolean, io: Io, serverUri: string | undefined): Promise<number> {
  const f = await describe(err, io, serverUri);
  if (f.type === 'silent') return f.code;
  if (json) {
    io.stdout(envelope({ error: { type: f.type, message: f.message.trimEnd(), exit: f.code } }));
  } else {
    if (f.printed) io.stdout(`${f.message}\n`);
    else io.stderr(f.bare ? `${f.message}\n` : `${await errorPrefix(io)} ${f.message}\n`);
    if (f.usage && !(f.type === 'xend-fault' && spec.faultsWithoutUsage)) io.stdout(commandHelp(spec));
  }
  return f.code;
}

/**
 * `Error:` in bold red on a terminal, so the line stands out of a guest's or a table's
 * output; plain on a pipe (scripts compare xm's text), with NO_COLOR or on a dumb terminal.
 * chalk loads only then: its own detection looks at stdout, not at where this goes.
 */
async function errorPrefix(io: Io): Promise<string> {
  if (!io.interactiveStderr || io.env.NO_COLOR || io.env.TERM === 'dumb') return 'Error:';
  const { Chalk } = await import('chalk');
  return new Chalk({ level: 1 }).bold.red('Error:');
}

/** Entry used by bin/xm. */
export function run(): void {
  const io = processIo();
  main(process.argv.slice(2), io)
    .then(
      // A failure to write the output (stdout.ts) has already set 1.
      (code) => (process.exitCode = code || process.exitCode),
      (err: unknown) => {
        io.stderr(`Error: internal error: ${(err as Error).message}\n`);
        process.exitCode = 1;
      },
    )
    .then(exitWhenFlushed);
}

/**
 * Exits once the output is out instead of when the event loop drains, which would also
 * wait for V8's background optimising compiles that a finished xm has no use for (~1.5 ms
 * of `xm list`). An empty write calls back when every write before it is out: pipes are
 * asynchronous on some systems.
 */
function exitWhenFlushed(): void {
  afterOut(() => (stderrUsed ? process.stderr.write('', () => process.exit()) : process.exit()));
}
