import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm rename DOM NEW: one call, silent', async () => {
  const r = await xm(['rename', 'web', 'www'], { 'xend.domain.setName': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.setName', ['web', 'www']]]]);
});

test('xm rename with one name', async () => {
  const r = await xm(['rename', 'web']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm rename' requires 2 arguments.\n\n", usage('rename')]);
});
