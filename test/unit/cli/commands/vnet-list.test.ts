import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

test('xm vnet-list: the ids xend knows, one a line; none prints nothing', async () => {
  const r = await xm(['vnet-list'], { xend_vnets: () => ['1', '2'] });
  assert.deepEqual([r.code, r.stdout], [0, '1\n2\n']);
  const none = await xm(['vnet-list'], { xend_vnets: () => [] });
  assert.deepEqual([none.code, none.stdout], [0, '']);
});

test("xm vnet-list -l (or ids given): each vnet's SXP; a refused one with its fault, as xm printed `vnet ex`", async () => {
  const r = await xm(['vnet-list', '-l'], { xend_vnets: () => ['1'], xend_vnet: () => ['vnet', ['id', '1']] });
  assert.deepEqual([r.code, r.stdout], [0, '(vnet (id 1))\n']);
  const missing = await xm(['vnet-list', 'v9'], { xend_vnet: () => fault(2, 'No such vnet v9') });
  assert.deepEqual([missing.code, missing.stdout, missing.calls], [0, "v9 <Fault 2: 'No such vnet v9'>\n", [['xend_vnet', ['v9']]]]);
});
