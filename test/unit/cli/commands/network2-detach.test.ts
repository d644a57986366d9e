import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm network2-detach destroys the vif2 with rm_cfg', async () => {
  const r = await xm(['network2-detach', 'web', '0'], { 'xend.domain.destroyDevice': () => null });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, '', [['xend.domain.destroyDevice', ['web', 'vif2', '0', false, true]]]]);
});
