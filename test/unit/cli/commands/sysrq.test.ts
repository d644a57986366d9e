import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm sysrq DOM LETTER: one call, silent', async () => {
  const r = await xm(['sysrq', 'web', 's'], { 'xend.domain.send_sysrq': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.send_sysrq', ['web', 's']]]]);
});

test('xm sysrq without the letter', async () => {
  const r = await xm(['sysrq', 'web']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm sysrq' requires 2 arguments.\n\n", usage('sysrq')]);
});
