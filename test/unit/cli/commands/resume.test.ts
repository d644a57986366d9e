import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm resume [-p] DOM: back from suspension, silent', async () => {
  const r = await xm(['resume', 'web'], { 'xend.domain.resume': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.resume', ['web', false]]]]);
});
