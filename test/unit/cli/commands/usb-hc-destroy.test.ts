import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

test('xm usb-hc-destroy DOM DEVID: destroyDevice of the vusb controller', async () => {
  const r = await xm(['usb-hc-destroy', 'web', '0'], { 'xend.domain.destroyDevice': () => null });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.destroyDevice', ['web', 'vusb', '0', false, false]]]]);
});

test("xm usb-hc-destroy of a controller the domain lacks: xend's words", async () => {
  const r = await xm(['usb-hc-destroy', 'web', '3'], { 'xend.domain.destroyDevice': () => fault(2, 'Device 3 not connected') });
  assert.deepEqual([r.code, r.stderr], [1, 'Error: Device 3 not connected\n']);
});
