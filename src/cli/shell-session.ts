import { createInterface, type Interface } from 'node:readline';
import { COMMANDS, findCommand } from './registry.js';
import { commandHelp, longHelp, shortHelp } from './help.js';
import { shlexSplit, ShlexError } from './shlex.js';

/** What xm shell reads from and writes to, and how it runs a command line. */
export interface ShellIo {
  input: NodeJS.ReadableStream;
  /** The terminal when input and output are one: line editing, Tab completion and history then. */
  terminal: NodeJS.WriteStream | null;
  print(text: string): void;
  /** Runs one xm command line; what it prints and its exit status are its own business. */
  run(argv: string[]): Promise<number>;
}

const PROMPT = 'xm> ';
const INTRO = 'The Xen Master. Type "help" for a list of functions.\n';
/** Ours: xm 4.4's shell ended only at end of input (or on a line reading EOF). */
const LEAVE = new Set(['quit', 'exit', 'EOF']);
/** Lines kept for Up/Down, in memory only: xm's readline kept no history file. */
const HISTORY_SIZE = 1000;

/** A source of lines: the next one after the prompt, null at end of input. */
type Lines = (prompt: string) => Promise<string | null>;

/**
 * xm 4.4's Shell (cmd.Cmd): the intro, `xm> ` before every line, each line run as
 * `xm <line>` (a leading `xm` dropped), `help [COMMAND]`, `*** Unknown command: X`.
 * It ends at end of input, printing a newline as do_EOF did, or at `quit`/`exit`.
 */
export async function runShell(io: ShellIo): Promise<void> {
  const lines = io.terminal ? terminalLines(io.input, io.terminal) : pipedLines(io.input, io.print);
  io.print(INTRO);
  try {
    for (;;) {
      const line = await lines.next(PROMPT);
      if (line === null) {
        io.print('\n');
        return;
      }
      if (LEAVE.has(line.trim())) return;
      await oneLine(line.trim(), io);
    }
  } finally {
    lines.close();
  }
}

async function oneLine(line: string, io: ShellIo): Promise<void> {
  if (!line) return;
  // cmd.Cmd: `?` is help; `help` takes the rest of the line as its topic.
  const help = /^(?:\?|help(?![\w]))\s*(.*)$/.exec(line);
  if (help) return io.print(helpText(help[1]!.trim()));
  let words: string[];
  try {
    words = shlexSplit(line);
  } catch (err) {
    if (!(err instanceof ShlexError)) throw err;
    return io.print(`*** ${err.message}\n`);
  }
  if (words[0] === 'xm') words.shift();
  const first = words[0];
  if (first === undefined) return;
  if (first === 'help') return io.print(longHelp());
  // A known command, or main's own words (--json, --server, --version) in front of one.
  if (first.startsWith('-') || findCommand(first)) await io.run(words);
  else io.print(`*** Unknown command: ${first}\n`);
}

/** xm's cmdHelp: the first command the topic is a prefix of, or the short help. */
function helpText(topic: string): string {
  if (!topic) return shortHelp();
  const spec = COMMANDS.find((c) => c.name === topic) ?? COMMANDS.find((c) => c.name.startsWith(topic));
  return spec ? commandHelp(spec) : shortHelp();
}

/** Tab: command names (and the shell's own words) for the first word, or for help's topic. */
export function completeLine(line: string): [string[], string] {
  const m = /^(\s*)((?:xm|help)\s+)?(\S*)$/.exec(line);
  if (!m) return [[], line];
  const word = m[3]!;
  const names = COMMANDS.map((c) => c.name);
  const offered = m[2] ? names : [...names, 'help', 'quit', 'exit'];
  return [offered.filter((n) => n.startsWith(word)).sort(), word];
}

/** Lines from a pipe or file: the prompt printed as raw_input did, one reader for the whole session. */
function pipedLines(input: NodeJS.ReadableStream, print: (text: string) => void): { next: Lines; close(): void } {
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  const it = rl[Symbol.asyncIterator]();
  return {
    next: async (prompt) => {
      print(prompt);
      const r = await it.next();
      return r.done ? null : r.value;
    },
    close: () => rl.close(),
  };
}

/**
 * Lines from a terminal, with editing, completion and history. Each line gets a reader
 * of its own, closed before the command runs, so a command that takes the terminal
 * (console, top) has it to itself; the history carries over. Ctrl-C drops the line.
 */
function terminalLines(input: NodeJS.ReadableStream, output: NodeJS.WriteStream): { next: Lines; close(): void } {
  let history: string[] = [];
  let current: Interface | null = null;
  const readOne = (prompt: string) =>
    new Promise<string | null | undefined>((resolve) => {
      const rl = createInterface({ input, output, terminal: true, history, historySize: HISTORY_SIZE, removeHistoryDuplicates: true, completer: completeLine });
      current = rl;
      let answer: string | null | undefined = null;
      rl.on('history', (h: string[]) => (history = h));
      rl.once('line', (line) => {
        answer = line;
        rl.close();
      });
      rl.on('SIGINT', () => {
        output.write('^C\n');
        answer = undefined;
        rl.close();
      });
      rl.once('close', () => {
        current = null;
        resolve(answer);
      });
      rl.setPrompt(prompt);
      rl.prompt();
    });
  return {
    next: async (prompt) => {
      for (;;) {
        const answer = await readOne(prompt);
        if (answer !== undefined) return answer;
      }
    },
    close: () => (current as Interface | null)?.close(),
  };
}
