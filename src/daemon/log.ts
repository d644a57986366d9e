import { closeSync, fstatSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirs } from '../make-dirs.js';

export const LEVELS = { TRACE: 5, DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 } as const;
export type LevelName = keyof typeof LEVELS;

/**
 * xend.log exactly as xend wrote it: `[YYYY-MM-DD HH:MM:SS PID] LEVEL (module:line) message`,
 * rotated like Python's RotatingFileHandler (1 MiB, xend.log.1 … .5, rotate before a
 * write that would pass the limit).
 */
export class XendLog {
  private fd: number;
  private size: number;
  private threshold: number;
  /** Lines a batch holds back (null: none runs, each line is written at once). */
  private held: string | null = null;

  constructor(
    readonly path: string,
    level: LevelName = 'DEBUG',
    private readonly maxBytes = 1 << 20,
    private readonly backupCount = 5,
  ) {
    makeDirs(dirname(path), 0o700);
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
    this.threshold = LEVELS[level];
  }

  setLevel(level: LevelName): void {
    this.threshold = LEVELS[level];
  }

  write(level: LevelName, module: string, message: string): void {
    if (LEVELS[level] < this.threshold) return;
    const line = `[${currentTimestamp()} ${process.pid}] ${level} (${module}:${callerLine()}) ${escapeControls(message)}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.maxBytes > 0 && this.size + bytes > this.maxBytes) {
      this.flush();
      this.rotate();
    }
    this.size += bytes;
    if (this.held === null) return void writeSync(this.fd, line);
    this.held += line;
    if (this.held.length >= HELD_MAX) this.flush();
  }

  /**
   * Runs `work` with the lines it logs written together, when it ends or as they
   * reach HELD_MAX: adopting or leaving 10,000 domains logs a line for each, and
   * a write apiece was most of the cost. Only where xend serves no one (its start
   * and its stop): a reader of the log sees the lines once the work is done.
   */
  async batch<T>(work: () => Promise<T>): Promise<T> {
    if (this.held !== null) return work();
    this.held = '';
    try {
      return await work();
    } finally {
      this.flush();
      this.held = null;
    }
  }

  logger(module: string): Logger {
    const at = (level: LevelName) => (msg: string) => this.write(level, module, msg);
    return { debug: at('DEBUG'), info: at('INFO'), warning: at('WARNING'), error: at('ERROR'), critical: at('CRITICAL') };
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }

  private flush(): void {
    if (!this.held) return;
    writeSync(this.fd, this.held);
    this.held = '';
  }

  /**
   * Python's RotatingFileHandler. Not through store/durable.ts, by design: a log is
   * appended to, never replaced, and a crash mid-rotation loses at most a rename.
   */
  private rotate(): void {
    closeSync(this.fd);
    rmSync(`${this.path}.${this.backupCount}`, { force: true });
    for (let i = this.backupCount - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // a gap in the sequence is fine: Python skips missing files too
      }
    }
    renameSync(this.path, `${this.path}.1`);
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
  }
}

/** The most a batch holds back (characters): what a crash meanwhile could lose. */
const HELD_MAX = 64 * 1024;

export interface Logger {
  debug(msg: string): void;
  info(msg: string): void;
  warning(msg: string): void;
  error(msg: string): void;
  critical(msg: string): void;
}

export function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * Control characters as escapes (`\n`, `\x00`, `\x9b`): a value a client sent (a
 * path, a sysrq key) must not start a forged line or drive the reader's terminal.
 * A multi-line message (a stack) becomes one line too.
 */
function escapeControls(message: string): string {
  return message.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => CONTROL_ESCAPES[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
const CONTROL_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * The source line of the code that logged, like Python's %(lineno)d: read from V8's
 * call sites, not a formatted stack (which cost more than the rest of a log line,
 * and a restart logs a line or two per domain).
 */
function callerLine(): number {
  const { stackTraceLimit, prepareStackTrace } = Error;
  // Above callerLine: [0] write, [1] the logger's closure, [2] the caller.
  Error.stackTraceLimit = 3;
  Error.prepareStackTrace = (_, sites) => sites[2]?.getLineNumber() ?? 0;
  try {
    const holder: { stack?: number } = {};
    Error.captureStackTrace(holder, callerLine);
    return holder.stack ?? 0;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
    Error.prepareStackTrace = prepareStackTrace;
  }
}

/** Python's time.asctime(): `Tue Nov 24 23:45:17 2026`, as xend wrote it in messages; now's when no date is given. */
export function asctime(d?: Date): string {
  return d ? formatAsctime(d) : currentAsctime();
}

function formatAsctime(d: Date): string {
  const [wd, mon, day, year, time] = d.toString().split(' ');
  return `${wd} ${mon} ${String(Number(day)).padStart(2)} ${time} ${year}`;
}

/**
 * `format` of the current second, formatted once while the second lasts: a restart
 * logs a line or two (with an asctime) per domain, thousands within a second.
 */
function perSecond(format: (d: Date) => string): () => string {
  let second = NaN;
  let text = '';
  return () => {
    const now = Date.now();
    if (Math.floor(now / 1000) !== second) {
      second = Math.floor(now / 1000);
      text = format(new Date(now));
    }
    return text;
  };
}
const currentTimestamp = perSecond(timestamp);
const currentAsctime = perSecond(formatAsctime);
