import { readFileSync, rmSync } from 'node:fs';

/** The pid in the pidfile, or 0 if it is missing, empty or garbage (as SrvDaemon read it). */
export function readPid(pidFile: string): number {
  try {
    const pid = Number.parseInt(readFileSync(pidFile, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : 0;
  } catch {
    return 0;
  }
}

export function processAlive(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A recycled pid belonging to something else is not xend (xend matched `ps` output the same way).
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('xend');
  } catch {
    return true;
  }
}

/** The running worker's pid, or 0; a stale pidfile is removed as xend did. */
export function runningPid(pidFile: string): number {
  const pid = readPid(pidFile);
  if (processAlive(pid)) return pid;
  if (pid) rmSync(pidFile, { force: true });
  return 0;
}

export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}
