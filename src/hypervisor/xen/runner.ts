import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import type { Socket } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { XendError, XendInvalidDomain } from '../../protocol/faults.js';

/** The tools the xen backend runs: xl, and xenstore's command-line clients. */
export type XenTool = 'xl' | 'xenstore-read' | 'xenstore-ls' | 'xenstore-write' | 'xenstore-watch';

/** How long one command may take unless told otherwise (xl create under TCG takes seconds). */
const DEFAULT_TIMEOUT_MS = 120_000;
/** More output than this is not a listing xend asked for. */
const MAX_OUTPUT = 16 << 20;
/** What a long-running tool says on stderr (xl's progress, libxl's log), kept for its error: never more. */
const MAX_STDERR = 64 * 1024;

export interface RunOptions {
  timeoutMs?: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * The one owner of every child process of the xen backend: argument arrays
 * (never a shell), a timeout, a fixed environment (xend's PATH and library path,
 * the C locale: nothing a client sent), and the command's stderr in its error.
 */
export class XenRunner {
  private readonly env: NodeJS.ProcessEnv;
  private readonly paths: Record<XenTool, string>;

  constructor(readonly xl: string) {
    const toolDir = dirname(xl);
    const searchPath = [toolDir, ...(process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)].join(delimiter);
    this.env = { PATH: searchPath, LANG: 'C', LC_ALL: 'C', ...(process.env.LD_LIBRARY_PATH && { LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH }) };
    const find = (tool: string) => searchPath.split(delimiter).map((d) => join(d, tool)).find((p) => existsSync(p)) ?? tool;
    this.paths = {
      xl,
      'xenstore-read': find('xenstore-read'),
      'xenstore-ls': find('xenstore-ls'),
      'xenstore-write': find('xenstore-write'),
      'xenstore-watch': find('xenstore-watch'),
    };
  }

  /** Runs a tool to completion; rejects with xend's fault for what it printed on failure. */
  run(tool: XenTool, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      execFile(this.paths[tool], args, { env: this.env, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (err) reject(toolError(tool, args, stderr, err));
        else resolve({ stdout, stderr });
      });
    });
  }

  /** The same, holding the event loop: only for xend's start, before it serves any request. */
  runSync(tool: XenTool, args: readonly string[], opts: RunOptions = {}): RunResult {
    const r = spawnSync(this.paths[tool], args, { env: this.env, timeout: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, maxBuffer: MAX_OUTPUT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error || r.status !== 0) {
      const err = Object.assign(r.error ?? new Error(`exit status ${r.status ?? r.signal}`), { killed: r.signal === 'SIGTERM' });
      throw toolError(tool, args, r.stderr ?? '', err);
    }
    return { stdout: r.stdout, stderr: r.stderr };
  }

  /** A long-running tool (a watch, a save or restore stream): the caller owns its pipes (or a socket it hands over) and ends it. */
  spawn(tool: XenTool, args: readonly string[], stdio: ('pipe' | 'ignore' | Socket)[]): ChildProcess {
    return spawn(this.paths[tool], args, { env: this.env, stdio });
  }
}

export interface ExitOptions {
  /** Hears each line of the tool's stderr; says whether the line is kept for the error (all are by default). */
  onLine?: (line: string) => boolean;
  /** The fault's words from the kept lines (default: the lines as toolError reads a stderr). */
  reason?: (lines: string[]) => string;
}

/** Waits for a spawned tool to end; rejects with xend's fault unless it exits 0. */
export function exitOf(child: ChildProcess, tool: XenTool, args: readonly string[], opts: ExitOptions = {}): Promise<void> {
  const lines: string[] = [];
  let size = 0;
  let partial = '';
  const onLine = (line: string) => {
    if ((opts.onLine?.(line) ?? true) && size < MAX_STDERR) {
      lines.push(line);
      size += line.length;
    }
  };
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!.slice(-MAX_STDERR);
    for (const line of parts) onLine(line);
  });
  const said = () => (opts.reason ? opts.reason(lines) : lines.join('\n'));
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(toolError(tool, args, said(), err)));
    child.once('close', (code, signal) => {
      if (partial) onLine(partial);
      if (code === 0) resolve();
      else reject(toolError(tool, args, said(), Object.assign(new Error(`exit status ${code ?? signal}`), { code, signal, killed: signal === 'SIGTERM' })));
    });
  });
}

/**
 * libxl's undoing of a build that failed: it destroys what it began, and says so
 * even when there was nothing yet ("Non-existant domain"). Never the reason.
 */
const CLEANUP = /:(libxl__destroy_domid|domain_destroy_callback|domain_destroy_cb): /;
/** xl's note of which file it reads: said on success too. */
const PARSING = /^Parsing config from /;
/** Where in libxl a log line came from: not for an administrator. */
const LIBXL_ORIGIN = /^libxl: error: [\w.-]+:\d+:\w+: (Domain \d+:)?/;

/**
 * xl's complaint as xend's fault: an unknown domain is fault 3, anything else
 * fault 2 with xl's own words (its last lines, libxl's cleanup left out: the
 * reason comes before it).
 */
export function toolError(tool: XenTool, args: readonly string[], stderr: string, err: Error & { killed?: boolean; code?: unknown; signal?: unknown }): XendError {
  const said = stderr
    .split('\n')
    .filter((l) => !CLEANUP.test(l) && !PARSING.test(l))
    .map((l) => l.replace(LIBXL_ORIGIN, '').trim())
    .filter(Boolean);
  // By name (no such name), or by a domid xl list asks Xen of (no such domain).
  const invalid = said.map((l) => /^(.*) is an invalid domain identifier \(rc=-6\)$/.exec(l) ?? /^Error: Domain '(.*)' does not exist\.$/.exec(l)).find(Boolean);
  if (invalid) return new XendInvalidDomain(invalid[1]!);
  const command = `${tool} ${args[0] ?? ''}`.trim();
  if (err.killed) return new XendError(`${command} did not finish in time`);
  const why = said.slice(-3).join('; ') || silentFailure(err);
  return new XendError(`${command} failed: ${why}`);
}

/** `(xen-xl-binary …)`, else xl on PATH, else the newest /usr/lib/xen-*\/bin/xl. */
export function findXl(configured: string, path = process.env.PATH ?? ''): string {
  if (configured) {
    if (!configured.startsWith('/')) throw new Error(`xen-xl-binary "${configured.slice(0, 256)}" is not an absolute path`);
    return configured;
  }
  for (const dir of path.split(delimiter)) if (dir && existsSync(join(dir, 'xl'))) return join(dir, 'xl');
  let libs: string[] = [];
  try {
    libs = readdirSync('/usr/lib').filter((n) => /^xen-\d+\.\d+$/.test(n));
  } catch {
    // no /usr/lib: nothing to find there
  }
  const found = libs
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .reverse()
    .map((n) => `/usr/lib/${n}/bin/xl`)
    .find((p) => existsSync(p));
  if (!found) throw new Error('xend-hypervisor xen: no xl on PATH or in /usr/lib/xen-*/bin (set xen-xl-binary)');
  return found;
}

/** What a tool that printed nothing died of: its exit status or signal (Node's message only repeats the command). */
function silentFailure(err: Error & { code?: unknown; signal?: unknown }): string {
  if (typeof err.signal === 'string') return `killed by ${err.signal}`;
  if (typeof err.code === 'number') return `exit status ${err.code}`;
  return (typeof err.code === 'string' ? `${err.code}: ${err.message}` : err.message).trim();
}
