import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, openSync, closeSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { constants } from 'node:os';
import { makeDirs } from '../make-dirs.js';
import { writeFileDurably } from '../store/durable.js';
import { processAlive, runningPid, waitForExit } from './liveness.js';
import { readStatus, type XendStatus } from './status.js';
import { asctime } from './log.js';
import { workerFlagsToAdd } from './v8-flags.js';
import type { XendPaths } from '../config/paths.js';

/** How long `xend start` waits for every server to listen (xend polled 60 × 0.5 s; a loaded host gets more). */
const START_TIMEOUT_MS = 60_000;
/** How long `xend stop` waits for the worker to finish before killing it. */
const STOP_TIMEOUT_MS = 15_000;

/** Node 22.15+'s exec in place (same pid); Node 20's types do not know it. */
type Execve = (file: string, args: string[], env: NodeJS.ProcessEnv) => never;

/**
 * `xend foreground` is the worker, started by a service manager that gives node no
 * flags: where it needs some (v8-flags.ts), it becomes a node that has them, keeping
 * its pid (systemd watches it).
 */
export function becomeWorkerProcess(): void {
  const execve = (process as { execve?: Execve }).execve;
  const missing = workerFlagsToAdd();
  if (!execve || missing.length === 0 || !executable(process.execPath)) return;
  execve(process.execPath, [process.execPath, ...process.execArgv, ...missing, ...process.argv.slice(1)], process.env);
}

/** Whether a file can be executed: a failed execve aborts node (no exception to catch), so a node gone meanwhile serves with its own sizes. */
function executable(path: string): boolean {
  try {
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface StartResult {
  code: number;
  reason?: string;
  /** What the worker found questionable in xend-config.sxp (an unknown option), one line each. */
  warnings?: string[];
}

/**
 * `xend start`: fork the monitor (which forks the worker) and wait until the worker
 * reports every server listening ('0') or gives a reason it could not ('1 …').
 */
export async function start(paths: XendPaths, script: string, trace: boolean): Promise<StartResult> {
  if (runningPid(paths.pidFile)) return { code: 0 };
  makeDirs(dirname(paths.debugLog), 0o700);
  const debug = openSync(paths.debugLog, 'a', 0o600);
  const monitor = spawn(process.execPath, [script, '__monitor'], {
    detached: true,
    stdio: ['ignore', debug, debug, 'pipe'],
    env: { ...process.env, ...(trace && { XEND_TRACE: '1' }) },
  });
  closeSync(debug);
  const pipe = monitor.stdio[3]!;
  const answer = await new Promise<string>((resolve) => {
    let text = '';
    const timer = setTimeout(() => resolve(text || `timed out after ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
    pipe.on('data', (d: Buffer) => (text += d.toString()));
    pipe.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
  pipe.destroy();
  monitor.unref();
  // '0' and a line per warning, or '1 reason'.
  if (answer === '0' || answer.startsWith('0\n')) return { code: 0, warnings: answer.split('\n').slice(1) };
  return { code: 1, reason: answer.replace(/^1 ?/, '') || `see ${paths.debugLog}` };
}

/**
 * `xend stop`: SIGTERM the worker and its monitor (so a monitor about to restart a
 * dead worker does not), then wait (bounded) for both to go. Always 0, as xend;
 * `tell` hears when there was nothing to stop.
 */
export async function stop(paths: XendPaths, tell: (line: string) => void = () => {}): Promise<number> {
  const pid = runningPid(paths.pidFile);
  const monitorPid = readStatus(paths.statusFile)?.monitorPid ?? null;
  const monitorAlive = monitorPid !== null && processAlive(monitorPid);
  if (!pid && !monitorAlive) {
    tell(`xend is not running (no live process in ${paths.pidFile}): nothing to stop.`);
    return 0;
  }
  if (monitorAlive) signal(monitorPid, 'SIGTERM');
  if (pid) signal(pid, 'SIGTERM');
  if (pid && !(await waitForExit(pid, STOP_TIMEOUT_MS))) {
    // A wedged worker: take the monitor first so it cannot restart it.
    if (monitorPid && processAlive(monitorPid)) signal(monitorPid, 'SIGKILL');
    signal(pid, 'SIGKILL');
    await waitForExit(pid, 2000);
  }
  if (monitorPid) await waitForExit(monitorPid, 2000);
  rmSync(paths.pidFile, { force: true });
  rmSync(paths.statusFile, { force: true });
  return 0;
}

/** `xend reload`: SIGHUP to a live worker. */
export function reload(paths: XendPaths): number {
  const pid = runningPid(paths.pidFile);
  if (pid) signal(pid, 'SIGHUP');
  return 0;
}

/**
 * Signals a process that may have exited since it was found alive (the monitor
 * passes SIGTERM on to the worker, which can be gone before xend stop's own
 * SIGTERM reaches it): a process already gone is what was wanted.
 */
function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

export interface StatusReport extends Partial<XendStatus> {
  running: boolean;
  /** The pid file read: where to look when xend is not where one expected it. */
  pidFile: string;
  uptime?: number;
}

export function status(paths: XendPaths): StatusReport {
  const pid = runningPid(paths.pidFile);
  if (!pid) return { running: false, pidFile: paths.pidFile };
  const s = readStatus(paths.statusFile);
  return { running: true, pidFile: paths.pidFile, ...s, pid, ...(s && { uptime: Date.now() / 1000 - s.startedAt }) };
}

/**
 * The monitor (xend's P2): restarts the worker when a signal other than TERM/INT
 * kills it, and exits with the worker's status otherwise.
 */
export async function monitor(paths: XendPaths, script: string): Promise<number> {
  process.stderr.write(`Xend started at ${asctime()}.\n`);
  makeDirs(dirname(paths.pidFile));
  let first = true;
  for (;;) {
    const worker = spawn(process.execPath, [...workerFlagsToAdd(), script, '__worker'], {
      stdio: ['ignore', 'inherit', 'inherit', first ? 3 : 'ignore'],
      env: { ...process.env, XEND_MONITOR_PID: String(process.pid), ...(first && { XEND_STATUS_FD: '3' }) },
    });
    if (first) closeSync(3);
    first = false;
    if (worker.pid) writeFileDurably(paths.pidFile, String(worker.pid), 0o644);
    const forward = () => worker.kill('SIGTERM');
    process.on('SIGTERM', forward);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) =>
      worker.on('exit', (c, s) => r([c, s])),
    );
    process.off('SIGTERM', forward);
    if (signal === null) {
      process.stderr.write(`Xend exited with status ${code}.\n`);
      return code ?? 1;
    }
    if (signal === 'SIGTERM' || signal === 'SIGINT') {
      process.stderr.write(`Xend stopped due to signal ${constants.signals[signal]}.\n`);
      return 0;
    }
    process.stderr.write(`Xend died due to signal ${constants.signals[signal]}!  Restarting it.\n`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
