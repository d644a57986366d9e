import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm usb-list-assignable-devices: the host devices no domain holds, in vusb_util\'s format', async () => {
  const dev = (bus: string, ids: [string, string], info: string, assigned: number) => ['dev', ['bus', bus], ['busaddr', '1.2'], ['idvendor', ids[0]], ['idproduct', ids[1]], ['info', info], ['assigned', assigned]];
  const r = await xm(['usb-list-assignable-devices'], {
    'xend.node.usbinfo': () => [dev('1-1', ['046d', 'c52b'], 'Logitech USB Receiver', 1), dev('1-2', ['0781', '5567'], 'SanDisk Cruzer Blade', 0)],
  });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '1-2          : ID 0781:5567 SanDisk Cruzer Blade\n', '']);
});

test('xm usb-list-assignable-devices takes no argument', async () => {
  const r = await xm(['usb-list-assignable-devices', 'x']);
  assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm usb-list-assignable-devices' requires 0 arguments.\n\n"]);
});
