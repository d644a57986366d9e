import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm dumppolicy: nothing to dump without a security module, xend not asked', async () => {
  const r = await xm(['dumppolicy']);
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', []]);
  const extra = await xm(['dumppolicy', 'x']);
  assert.deepEqual([extra.code, extra.stderr, extra.stdout], [1, 'Error: No arguments expected.\n', usage('dumppolicy')]);
});
