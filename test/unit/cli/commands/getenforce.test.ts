import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm getenforce: no Flask module, an option error as in xm', async () => {
  const r = await xm(['getenforce'], { 'xend.security.get_xstype': () => 0 });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Unsupported policy type\n', usage('getenforce')]);
  const extra = await xm(['getenforce', 'x']);
  assert.deepEqual([extra.code, extra.stderr], [1, 'Error: No arguments expected.\n']);
});
