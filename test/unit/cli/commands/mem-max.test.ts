import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm mem-max DOM MEM: int_unit, as mem-set', async () => {
  const r = await xm(['mem-max', 'web', '2G'], { 'xend.domain.maxmem_set': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.maxmem_set', ['web', 2048]]]]);
});

test('xm mem-max with an amount that is not one', async () => {
  // int_unit took the last letter for an unknown unit, said so, then failed on the rest.
  const r = await xm(['mem-max', 'web', 'lots']);
  assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: Invalid argument.\n', `ignoring unknown unit\n${usage('mem-max')}`, []]);
});
