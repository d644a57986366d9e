// The QEMU backend's vCPU placement (src/hypervisor/qemu/affinity.ts) on real threads, and the pinning rules it shares with the sim (cpu-pools.ts).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCpuList, setThreadAffinity, threadPlacement, vcpuThreads } from '../../src/hypervisor/qemu/affinity.js';
import { breakPins, pinVcpu, runnableCpus } from '../../src/hypervisor/cpu-pools.js';
import type { QmpClient } from '../../src/hypervisor/qemu/qmp.js';

const lastCpu = cpus().length - 1;

/** A process of one thread to place: its pid is its thread's id. */
async function sleeper(): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  await once(child, 'spawn');
  return {
    pid: child.pid!,
    stop: async () => {
      child.kill('SIGKILL');
      await once(child, 'exit');
    },
  };
}

/** A QMP connection that answers query-cpus-fast with `cpus`. */
const qmpAnswering = (cpus: unknown): QmpClient => ({ execute: async () => cpus }) as unknown as QmpClient;

describe('vCPU threads (taskset and /proc)', () => {
  test('taskset confines a thread; its status and stat say where it may run, where it ran and its CPU time', async () => {
    const p = await sleeper();
    try {
      await setThreadAffinity(p.pid, [lastCpu]);
      const at = threadPlacement(p.pid, p.pid)!;
      assert.deepEqual(at.cpus, [lastCpu]);
      assert.ok(Number.isInteger(at.cpu) && at.cpu >= 0 && at.cpu <= lastCpu, `last ran on ${at.cpu}`);
      assert.ok(Number.isInteger(at.ticks) && at.ticks >= 0);
      const all = Array.from({ length: lastCpu + 1 }, (_, i) => i);
      await setThreadAffinity(p.pid, all);
      assert.deepEqual(threadPlacement(p.pid, p.pid)!.cpus, all);
    } finally {
      await p.stop();
    }
    assert.equal(threadPlacement(p.pid, p.pid), null, 'a thread that is gone has no placement');
  });

  test('a missing taskset is an error naming the backend; an empty or negative CPU list runs nothing', async () => {
    const p = await sleeper();
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), 'no-taskset-'));
    try {
      await assert.rejects(setThreadAffinity(p.pid, [0]), { message: 'the qemu backend places vCPUs with taskset (util-linux), which is not on its PATH' });
    } finally {
      process.env.PATH = path;
      await p.stop();
    }
    await assert.rejects(setThreadAffinity(p.pid, []), /no affinity of CPUs \[\] for thread/);
    await assert.rejects(setThreadAffinity(p.pid, [-1]), /no affinity of CPUs \[-1\]/);
    await assert.rejects(setThreadAffinity(0, [0]), /for thread 0/);
  });

  test("taskset's own refusal is reported with the thread and CPUs", async () => {
    const p = await sleeper();
    await p.stop();
    await assert.rejects(setThreadAffinity(p.pid, [0]), new RegExp(`^Error: taskset could not confine vCPU thread ${p.pid} to CPUs 0: `));
  });

  test('the kernel CPU list form', () => {
    assert.deepEqual(parseCpuList('0-2,5,7-8'), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual(parseCpuList('3'), [3]);
    assert.deepEqual(parseCpuList(''), []);
  });

  test("query-cpus-fast gives each vCPU's thread by its index; a missing or bad thread id is an error", async () => {
    const cpu = (index: unknown, tid: unknown) => ({ 'cpu-index': index, 'thread-id': tid, 'qom-path': '/machine/unattached/device[0]' });
    assert.deepEqual(await vcpuThreads(qmpAnswering([cpu(1, 501), cpu(0, 500)]), 2), [500, 501]);
    const refused = /QEMU did not name the threads of the guest's 2 vCPUs/;
    await assert.rejects(vcpuThreads(qmpAnswering([cpu(0, 500)]), 2), refused);
    await assert.rejects(vcpuThreads(qmpAnswering([cpu(0, 500), cpu(1, '../1')]), 2), refused);
    await assert.rejects(vcpuThreads(qmpAnswering([cpu(0, 500), cpu(1, -3)]), 2), refused);
    await assert.rejects(vcpuThreads(qmpAnswering({}), 2), refused);
  });
});

describe('pinning rules (cpu-pools.ts)', () => {
  const pool = [2, 3];

  test('a pin keeps the CPUs that exist, needs one of the pool, and pinning to every CPU is no pin', () => {
    assert.deepEqual(pinVcpu(undefined, 2, 1, [3, 9, 2, 3], 4, pool), [null, [2, 3]]);
    assert.throws(() => pinVcpu(undefined, 2, 0, [0, 1], 4, pool), { message: "(22, 'Invalid argument')" });
    assert.throws(() => pinVcpu(undefined, 2, 2, [2], 4, pool), { message: "(22, 'Invalid argument')" });
    assert.equal(pinVcpu([[2], null], 2, 0, [0, 1, 2, 3], 4, pool), undefined);
  });

  test('a vCPU runs where its pin meets its pool; a pool that lost the pinned CPUs breaks the pin', () => {
    assert.deepEqual(runnableCpus([1, 3], pool), [3]);
    assert.deepEqual(runnableCpus(null, pool), [2, 3]);
    assert.deepEqual(breakPins([[1], [3]], pool), { broken: [0], pins: [null, [3]] });
    assert.deepEqual(breakPins([[1], null], pool), { broken: [0], pins: undefined });
    assert.deepEqual(breakPins([[2], null], pool), { broken: [], pins: [[2], null] });
  });
});
