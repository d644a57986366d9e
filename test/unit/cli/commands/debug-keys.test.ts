import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm debug-keys KEYS: one call with the keys, silent', async () => {
  const r = await xm(['debug-keys', 'hq'], { 'xend.node.send_debug_keys': () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.node.send_debug_keys', ['hq']]]]);
});

test('xm debug-keys needs exactly the keys', async () => {
  const r = await xm(['debug-keys']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm debug-keys' requires 1 argument.\n\n", usage('debug-keys')]);
});
