import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm cpupool-start POOL: one call, silent', async () => {
  const r = await xm(['cpupool-start', 'p1'], { 'xend.cpu_pool.start': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.cpu_pool.start', ['p1']]]]);
  const j = await xm(['cpupool-start', '--json', 'p1'], { 'xend.cpu_pool.start': () => 0 });
  assert.equal(j.stdout, '{"version":1,"ok":true,"command":"cpupool-start","pool":"p1"}\n');
});

test("xm cpupool-start: xend's refusal with the usage; no pool is arg_check's message", async () => {
  const r = await xm(['cpupool-start', 'nosuch'], { 'xend.cpu_pool.start': () => fault(2, 'unknown pool nosuch') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: unknown pool nosuch\n', usage('cpupool-start')]);
  const none = await xm(['cpupool-start']);
  assert.deepEqual([none.code, none.stderr], [1, "Error: 'xm cpupool-start' requires 1 argument.\n\n"]);
});
