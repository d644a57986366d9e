import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm network2-list always prints the SXP, as xm did', async () => {
  const r = await xm(['network2-list', 'web'], { 'xend.domain.getDeviceSxprs': () => [[0, ['vif2', ['bridge', 'xenbr0']]]] });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, '(0 (vif2 (bridge xenbr0)))\n', [['xend.domain.getDeviceSxprs', ['web', 'vif2']]]]);
});
