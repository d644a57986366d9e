import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const SET = { 'xend.node.tmem_set_weight': () => 0, 'xend.node.tmem_set_cap': () => 0, 'xend.node.tmem_set_compress': () => 0 };

test('xm tmem-set: one call per setting, weight, cap, compress in that order; silent', async () => {
  const r = await xm(['tmem-set', '2', 'compress=1', 'weight=5', 'cap=9'], SET);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [
    ['xend.node.tmem_set_weight', [2, 5]],
    ['xend.node.tmem_set_cap', [2, 9]],
    ['xend.node.tmem_set_compress', [2, 1]],
  ]);
  const all = await xm(['tmem-set', '-a', 'cap=0'], SET);
  assert.deepEqual(all.calls, [['xend.node.tmem_set_cap', [-1, 0]]]);
});

test("xm tmem-set's refusals, in xm's words", async () => {
  const weight = await xm(['tmem-set', '2', 'weight=x']);
  assert.deepEqual([weight.code, weight.stderr, weight.stdout], [1, 'Error: weight should be a integer\n', usage('tmem-set')]);
  const cap = await xm(['tmem-set', '2', 'cap=x']);
  assert.deepEqual([cap.code, cap.stderr], [1, 'Error: Invalid argument.\n']);
  const unknown = await xm(['tmem-set', '2', 'speed=3']);
  assert.deepEqual([unknown.code, unknown.stderr], [1, 'Error: Unrecognized tmem configuration option: speed=3\n']);
  const none = await xm(['tmem-set']);
  assert.equal(none.stderr, 'Error: You must specify -a or --all or a domain id.\n');
});
