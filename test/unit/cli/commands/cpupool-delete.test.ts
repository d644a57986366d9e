import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm cpupool-delete POOL: one call, silent', async () => {
  const r = await xm(['cpupool-delete', 'p1'], { 'xend.cpu_pool.delete': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.cpu_pool.delete', ['p1']]]]);
  const j = await xm(['cpupool-delete', '--json', 'p1'], { 'xend.cpu_pool.delete': () => 0 });
  assert.equal(j.stdout, '{"version":1,"ok":true,"command":"cpupool-delete","pool":"p1"}\n');
});

test("xm cpupool-delete: xend's refusal with the usage; no pool is arg_check's message", async () => {
  const r = await xm(['cpupool-delete', 'nosuch'], { 'xend.cpu_pool.delete': () => fault(2, 'unknown pool nosuch') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: unknown pool nosuch\n', usage('cpupool-delete')]);
  const none = await xm(['cpupool-delete']);
  assert.deepEqual([none.code, none.stderr], [1, "Error: 'xm cpupool-delete' requires 1 argument.\n\n"]);
});
