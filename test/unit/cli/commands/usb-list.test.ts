import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

const usb = () => [['dev', ['bus', '1-1'], ['busaddr', '1.2'], ['idvendor', '046d'], ['idproduct', 'c52b'], ['info', 'Logitech USB Receiver'], ['assigned', 1]]];

test("xm usb-list DOM: each controller under its header, its ports with the host device's ids", async () => {
  const hc = () => [
    [0, [['backend-id', '0'], ['state', '4'], ['backend', '/local/domain/0/backend/vusb/1/0'], ['usb-ver', '2'], ['num-ports', '2'], ['port', ['1', '1-1'], ['2', '']]]],
    [1, [['backend-id', '0'], ['state', '4'], ['backend', '/local/domain/0/backend/vusb/1/1'], ['usb-ver', '1'], ['num-ports', '1'], ['port', ['1', '']]]],
  ];
  const r = await xm(['usb-list', 'web'], { 'xend.domain.getDeviceSxprs': hc, 'xend.node.usbinfo': usb });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'Idx BE  state usb-ver  BE-path                       \n' +
      '0   0   4     USB2.0  /local/domain/0/backend/vusb/1/0  \n' +
      'port 1: 1-1 [ID 046d:c52b Logitech USB Receiver]\n' +
      'port 2: \n' +
      'Idx BE  state usb-ver  BE-path                       \n' +
      '1   0   4     USB1.1  /local/domain/0/backend/vusb/1/1  \n' +
      'port 1: \n',
  );
});

test('xm usb-list of a domain not running: the config entry, -1 and ?? where it says nothing; no host lookup without a bus', async () => {
  const hc = () => [[0, ['vusb', ['usb-ver', '2'], ['num-ports', '1'], ['port', ['1', '']]]]];
  const r = await xm(['usb-list', 'web'], { 'xend.domain.getDeviceSxprs': hc });
  assert.equal(r.stdout.split('\n')[1], '0   -1  -1    USB2.0  ??                              ');
  assert.equal(r.calls.length, 1);
});
