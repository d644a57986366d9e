import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

const hc = () => [[0, [['usb-ver', '2'], ['num-ports', '4'], ['port', ['1', ''], ['2', ''], ['3', ''], ['4', '']]]]];

test('xm usb-attach DOM DEVID PORT BUSID: device_configure of the port, with the controller', async () => {
  const r = await xm(['usb-attach', 'web', '0', '2', '1-1'], { 'xend.domain.getDeviceSxprs': hc, 'xend.domain.device_configure': () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [
    ['xend.domain.getDeviceSxprs', ['web', 'vusb']],
    ['xend.domain.device_configure', ['web', ['vusb', ['port', ['2', '1-1']]], 0]],
  ]);
});

test("xm usb-attach: xm's own checks (no such controller, port, bus id), then xend's", async () => {
  const cases: [string[], string][] = [
    [['web', '1', '1', '1-1'], "Error: Cannot find device '1' in domain 'web'\n"],
    [['web', '0', '5', '1-1'], "Error: Invalid Port Number '5'\n"],
    [['web', '0', '1', 'usb1'], "Error: Invalid Busid 'usb1'\n"],
  ];
  for (const [args, stderr] of cases) {
    const r = await xm(['usb-attach', ...args], { 'xend.domain.getDeviceSxprs': hc });
    assert.deepEqual([r.code, r.stderr, r.stdout], [1, stderr, ''], args.join(' '));
  }
  const taken = await xm(['usb-attach', 'web', '0', '1', '1-2'], {
    'xend.domain.getDeviceSxprs': hc,
    'xend.domain.device_configure': () => fault(2, "Cannot assign already attached bus '1-2', detach first."),
  });
  assert.deepEqual([taken.code, taken.stderr], [1, "Error: Cannot assign already attached bus '1-2', detach first.\n"]);
  const notInt = await xm(['usb-attach', 'web', 'x', '1', '1-1']);
  assert.deepEqual([notInt.code, notInt.stderr], [1, 'Error: Invalid argument.\n']);
});
