import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const LINES = 'C=CI:1,ww:0,ca:0,co:0,fr:0,Tc:0,Ge:4,Pp:0,Gp:0\nP=CI:1,PI:0,PT:EP,U0:0,U1:0\n';

test("xm tmem-list prints xend's lines with print's newline; -a is every domain (-1), -l the long form", async () => {
  const r = await xm(['tmem-list', '1'], { 'xend.node.tmem_list': () => LINES });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, `${LINES}\n`, [['xend.node.tmem_list', [1, false]]]]);
  const all = await xm(['tmem-list', '-l', '-a'], { 'xend.node.tmem_list': () => 'T\n' });
  assert.deepEqual([all.stdout, all.calls[0]![1]], ['T\n\n', [-1, true]]);
});

test("xm tmem-list of a domain without tmem prints Xen's -1, as xm did", async () => {
  const r = await xm(['tmem-list', '7'], { 'xend.node.tmem_list': () => -1 });
  assert.deepEqual([r.code, r.stdout], [0, '-1\n']);
});

test('xm tmem-list needs -a or a domain id, and takes numbers only', async () => {
  const none = await xm(['tmem-list']);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, 'Error: You must specify -a or --all or a domain id.\n', usage('tmem-list')]);
  const name = await xm(['tmem-list', 'web']);
  assert.deepEqual([name.code, name.stderr], [1, 'Error: Unrecognized domain id: web\n']);
});
