import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Who a guest's QEMU process is: its pid, and what identifies that process beyond the pid. */
export interface QemuProcess {
  pid: number;
  /** /proc/<pid>/cmdline as it was right after the start. */
  cmdline: string;
  /** Start time in clock ticks after boot (/proc/<pid>/stat field 22): a reused pid has another. */
  startTicks: number;
}

/** How long QEMU may take to set itself up (it is then paused, -S). */
const START_TIMEOUT_MS = 60_000;
/** More stderr than this at start is not QEMU's message. */
const MAX_STDERR = 64 * 1024;

/**
 * Starts a QEMU that daemonizes (-daemonize, -pidfile): the command returns once
 * QEMU is set up, or failed, with the reason on stderr, so a start failure is
 * the create's error instead of a guest that dies at once. The caller's event
 * loop waits for that setup (tens of milliseconds; bounded).
 */
export function startQemu(binary: string, args: string[], pidfile: string): { process: QemuProcess; warnings: string } {
  const r = spawnSync(binary, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: START_TIMEOUT_MS, maxBuffer: MAX_STDERR });
  const stderr = (r.stderr ?? '').trim();
  const pid = readPid(pidfile);
  if (r.error || r.status !== 0) {
    // A QEMU that got as far as its pid file before failing, or timing out, goes too.
    if (pid && cmdlineOf(pid)?.startsWith(`${binary}\0`)) process.kill(pid, 'SIGKILL');
    const why = stderr || (r.error ? r.error.message : r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`);
    throw new Error(`QEMU failed to start: ${why}`);
  }
  const started = pid ? identify(pid) : null;
  if (!started) throw new Error(`QEMU started but is gone at once${stderr ? `: ${stderr}` : ''}`);
  return { process: started, warnings: stderr };
}

/** The identity of the process `pid` now, or null if there is none. */
export function identify(pid: number): QemuProcess | null {
  const cmdline = cmdlineOf(pid);
  const startTicks = startTicksOf(pid);
  return cmdline === null || startTicks === null ? null : { pid, cmdline, startTicks };
}

/** Whether `p` still runs as the QEMU xend started: same pid, same command line, same start time. */
export function stillRunning(p: QemuProcess): boolean {
  const now = identify(p.pid);
  return now !== null && now.cmdline === p.cmdline && now.startTicks === p.startTicks;
}

function readPid(pidfile: string): number | null {
  try {
    const pid = Number(readFileSync(pidfile, 'utf8').trim());
    return Number.isInteger(pid) && pid > 1 ? pid : null;
  } catch {
    return null;
  }
}

function cmdlineOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return null;
  }
}

/** Field 22 of /proc/<pid>/stat, counted after the command name (which may hold blanks). */
function startTicksOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return null;
  }
}
