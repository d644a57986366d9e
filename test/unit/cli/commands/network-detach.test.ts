import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

const destroy = 'xend.domain.destroyDevice';

test('xm network-detach destroys the vif by number or MAC, with rm_cfg', async () => {
  const r = await xm(['network-detach', 'web', '1'], { [destroy]: () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [[destroy, ['web', 'vif', '1', false, true]]]]);
  const mac = await xm(['network-detach', 'web', '00:16:3e:00:00:01', '-f'], { [destroy]: () => null });
  assert.deepEqual(mac.calls, [[destroy, ['web', 'vif', '00:16:3e:00:00:01', true, true]]]);
});

test("xm network-detach: xend's refusal", async () => {
  const r = await xm(['network-detach', 'web', '7'], { [destroy]: () => fault(2, 'Device 7 not connected') });
  assert.deepEqual([r.code, r.stderr.split('\n')[0]], [1, 'Error: Device 7 not connected']);
});
