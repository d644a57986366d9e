import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { QmpClient } from './qmp.js';

/** How long taskset may take to set one thread's affinity. */
const TASKSET_TIMEOUT_MS = 10_000;

/** Where a vCPU's thread may run, where it last ran, and the CPU time it used. */
export interface ThreadPlacement {
  /** Cpus_allowed_list of /proc/<pid>/task/<tid>/status. */
  cpus: number[];
  /** Field 39 (processor) of its stat. */
  cpu: number;
  /** utime + stime (fields 14 and 15), in clock ticks. */
  ticks: number;
}

const isId = (n: unknown): n is number => Number.isSafeInteger(n) && (n as number) > 0;

/** The host thread of each of the guest's `vcpus` vCPUs, by vCPU number (QMP query-cpus-fast). */
export async function vcpuThreads(q: QmpClient, vcpus: number): Promise<number[]> {
  const found = await q.execute<{ 'cpu-index'?: unknown; 'thread-id'?: unknown }[]>('query-cpus-fast');
  const tids = Array.from({ length: vcpus }, (_, i) => (Array.isArray(found) ? found : []).find((c) => c['cpu-index'] === i)?.['thread-id']);
  if (!tids.every(isId)) throw new Error(`QEMU did not name the threads of the guest's ${vcpus} vCPUs`);
  return tids;
}

/** What the kernel says of thread `tid` of process `pid`; null once it is gone. */
export function threadPlacement(pid: number, tid: number): ThreadPlacement | null {
  if (!isId(pid) || !isId(tid)) return null;
  try {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'latin1');
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'latin1');
    // Fields counted after the command name, which may hold blanks: field n is [n - 3].
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return {
      cpus: parseCpuList(/^Cpus_allowed_list:\s*(\S*)$/m.exec(status)?.[1] ?? ''),
      cpu: Number(fields[36]),
      ticks: Number(fields[11]) + Number(fields[12]),
    };
  } catch {
    return null;
  }
}

/** The kernel's CPU list form, `0-2,5` → [0, 1, 2, 5]. */
export function parseCpuList(text: string): number[] {
  const cpus: number[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) continue;
    for (let c = Number(m[1]), last = Number(m[2] ?? m[1]); c <= last; c++) cpus.push(c);
  }
  return cpus;
}

/**
 * Confines thread `tid` to `cpus` with util-linux's taskset (Node has no
 * sched_setaffinity): an argument array of numbers this backend computed.
 */
export function setThreadAffinity(tid: number, cpus: readonly number[]): Promise<void> {
  if (!isId(tid) || !cpus.length || !cpus.every((c) => Number.isSafeInteger(c) && c >= 0)) {
    return Promise.reject(new Error(`no affinity of CPUs [${cpus.join(', ')}] for thread ${tid}`));
  }
  const list = cpus.join(',');
  return new Promise((resolve, reject) => {
    execFile('taskset', ['-p', '-c', list, String(tid)], { timeout: TASKSET_TIMEOUT_MS }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') reject(new Error('the qemu backend places vCPUs with taskset (util-linux), which is not on its PATH'));
      else reject(new Error(`taskset could not confine vCPU thread ${tid} to CPUs ${list}: ${String(stderr).trim() || err.message}`));
    });
  });
}
