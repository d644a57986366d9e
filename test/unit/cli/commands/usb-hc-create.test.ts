import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm usb-hc-create DOM VER PORTS: device_create of a controller with its empty ports', async () => {
  const r = await xm(['usb-hc-create', 'web', '2', '3'], { 'xend.domain.device_create': () => ['vusb', ['dom', 1, 'id', 0]] });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [['xend.domain.device_create', ['web', ['vusb', ['usb-ver', '2'], ['num-ports', '3'], ['port', ['1', ''], ['2', ''], ['3', '']]]]]]);
});

test('xm usb-hc-create with a port count that is no number', async () => {
  const r = await xm(['usb-hc-create', 'web', '2', 'many']);
  assert.deepEqual([r.code, r.stderr, r.calls], [1, 'Error: Invalid argument.\n', []]);
});
