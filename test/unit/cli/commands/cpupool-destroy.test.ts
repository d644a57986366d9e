import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm cpupool-destroy POOL: one call, silent', async () => {
  const r = await xm(['cpupool-destroy', 'p1'], { 'xend.cpu_pool.destroy': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.cpu_pool.destroy', ['p1']]]]);
  const j = await xm(['cpupool-destroy', '--json', 'p1'], { 'xend.cpu_pool.destroy': () => 0 });
  assert.equal(j.stdout, '{"version":1,"ok":true,"command":"cpupool-destroy","pool":"p1"}\n');
});

test("xm cpupool-destroy: xend's refusal with the usage; no pool is arg_check's message", async () => {
  const r = await xm(['cpupool-destroy', 'nosuch'], { 'xend.cpu_pool.destroy': () => fault(2, 'unknown pool nosuch') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: unknown pool nosuch\n', usage('cpupool-destroy')]);
  const none = await xm(['cpupool-destroy']);
  assert.deepEqual([none.code, none.stderr], [1, "Error: 'xm cpupool-destroy' requires 1 argument.\n\n"]);
});
