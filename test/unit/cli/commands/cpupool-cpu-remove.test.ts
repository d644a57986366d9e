import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm cpupool-cpu-remove POOL CPU: the CPU as typed, for xend to read', async () => {
  const r = await xm(['cpupool-cpu-remove', 'p1', '3'], { 'xend.cpu_pool.cpu_remove': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.cpu_pool.cpu_remove', ['p1', '3']]]]);
});

test("xm cpupool-cpu-remove: xend's PoolError as xm printed it, then the usage", async () => {
  const r = await xm(['cpupool-cpu-remove', 'p1', '9'], { 'xend.cpu_pool.cpu_remove': () => fault(2, "['INVAILD_CPU', 'CPU unknown']") });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: ['INVAILD_CPU', 'CPU unknown']\n", usage('cpupool-cpu-remove')]);
  const one = await xm(['cpupool-cpu-remove', 'p1']);
  assert.deepEqual([one.code, one.stderr], [1, "Error: 'xm cpupool-cpu-remove' requires 2 arguments.\n\n"]);
});
