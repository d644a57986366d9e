import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm resetpolicy: xend supports no ACM policy', async () => {
  const r = await xm(['resetpolicy'], { 'xend.security.get_xstype': () => 0 });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: ACM policy type not supported.\n', '']);
  const extra = await xm(['resetpolicy', 'x']);
  assert.deepEqual([extra.code, extra.stderr, extra.stdout], [1, 'Error: No arguments expected.\n', usage('resetpolicy')]);
});
