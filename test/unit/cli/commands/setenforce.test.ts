import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm setenforce: the mode is checked first, then there is no Flask module', async () => {
  const r = await xm(['setenforce', 'Enforcing'], { 'xend.security.get_xstype': () => 0 });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Unsupported policy type\n', usage('setenforce')]);
  const mode = await xm(['setenforce', 'strict']);
  assert.deepEqual([mode.code, mode.stderr, mode.calls], [1, 'Error: strict is an unsupported mode\n', []]);
  const none = await xm(['setenforce']);
  assert.equal(none.stderr, 'Error: Invalid arguments\n');
});
