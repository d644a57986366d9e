import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm tmem-destroy DOMID or -a: one call, silent; extra words ignored as xm did', async () => {
  const r = await xm(['tmem-destroy', '3', 'extra'], { 'xend.node.tmem_destroy': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.node.tmem_destroy', [3]]]]);
  const all = await xm(['tmem-destroy', '--all', '--json'], { 'xend.node.tmem_destroy': () => 0 });
  assert.deepEqual([all.stdout, all.calls[0]![1]], ['{"version":1,"result":0}\n', [-1]]);
});

test('xm tmem-destroy without a target', async () => {
  const r = await xm(['tmem-destroy']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: You must specify -a or --all or a domain id.\n', usage('tmem-destroy')]);
});
