import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm usb-detach DOM DEVID PORT: the port given the empty bus', async () => {
  const r = await xm(['usb-detach', 'web', '0', '2'], { 'xend.domain.device_configure': () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.device_configure', ['web', ['vusb', ['port', ['2', '']]], 0]]]]);
});

test('xm usb-detach with a missing port', async () => {
  const r = await xm(['usb-detach', 'web', '0']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: 'xm usb-detach' requires 3 arguments.\n\n", usage('usb-detach')]);
});
