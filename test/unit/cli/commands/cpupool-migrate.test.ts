import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test('xm cpupool-migrate DOM POOL: one call, silent', async () => {
  const r = await xm(['cpupool-migrate', 'web', 'p1'], { 'xend.cpu_pool.migrate': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.cpu_pool.migrate', ['web', 'p1']]]]);
  const j = await xm(['cpupool-migrate', '--json', 'web', 'p1'], { 'xend.cpu_pool.migrate': () => 0 });
  assert.equal(j.stdout, '{"version":1,"ok":true,"command":"cpupool-migrate","pool":"p1"}\n');
});

test("xm cpupool-migrate: xend's words for Domain-0 and an unknown domain (a VmError, not fault 3)", async () => {
  const r = await xm(['cpupool-migrate', 'Domain-0', 'p1'], { 'xend.cpu_pool.migrate': () => fault(2, 'could not move Domain-0') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: could not move Domain-0\n', usage('cpupool-migrate')]);
  const one = await xm(['cpupool-migrate', 'web']);
  assert.deepEqual([one.code, one.stderr], [1, "Error: 'xm cpupool-migrate' requires 2 arguments.\n\n"]);
});
