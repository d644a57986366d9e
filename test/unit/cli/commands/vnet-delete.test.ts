import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm vnet-delete ID: one call, silent', async () => {
  const r = await xm(['vnet-delete', '5'], { xend_vnet_delete: () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend_vnet_delete', ['5']]]]);
  const none = await xm(['vnet-delete']);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, "Error: 'xm vnet-delete' requires 1 argument.\n\n", usage('vnet-delete')]);
});
