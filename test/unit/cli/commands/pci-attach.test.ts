import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const none = { 'xend.domain.getDeviceSxprs': () => [] };
const configure = () => true;

test('xm pci-attach DOM BDF: one function, device_configure with xm\'s (pci (dev …) (state Initialising))', async () => {
  const r = await xm(['pci-attach', 'web', '03:00.0'], { ...none, 'xend.domain.device_configure': configure });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [
    ['xend.domain.getDeviceSxprs', ['web', 'pci']],
    [
      'xend.domain.device_configure',
      ['web', ['pci', ['dev', ['domain', '0x0000'], ['bus', '0x03'], ['slot', '0x00'], ['func', '0x0'], ['vdevfn', '0x100'], ['key', '03:00.0']], ['state', 'Initialising']], null],
    ],
  ]);
});

test('xm pci-attach with functions, a virtual slot and -o: function 0 last, the slot in vdevfn, the options in (opts …)', async () => {
  const r = await xm(['pci-attach', '-o', 'msitranslate=1', 'web', '0000:04:00.0-1', '5'], { ...none, 'xend.domain.device_configure': configure });
  assert.equal(r.code, 0, r.stderr);
  const sent = r.calls.slice(1).map(([, [, cfg]]) => (cfg as unknown[])[1]);
  assert.deepEqual(sent, [
    ['dev', ['domain', '0x0000'], ['bus', '0x04'], ['slot', '0x00'], ['func', '0x1'], ['vdevfn', '0x29'], ['key', '0000:04:00.0-1@5'], ['opts', ['msitranslate', '1']]],
    ['dev', ['domain', '0x0000'], ['bus', '0x04'], ['slot', '0x00'], ['func', '0x0'], ['vdevfn', '0x28'], ['key', '0000:04:00.0-1@5'], ['opts', ['msitranslate', '1']]],
  ]);
});

test('xm pci-attach of a function already attached: xm\'s words, nothing sent', async () => {
  const attached = [{ domain: '0x0000', bus: '0x03', slot: '0x00', func: '0x0', vdevfn: '0x100', key: '03:00.0', uuid: 'u' }];
  const r = await xm(['pci-attach', 'web', '03:00.0'], { 'xend.domain.getDeviceSxprs': () => attached });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: pci: device 0000:03:00.0 has been attached! \n', usage('pci-attach')]);
});

test("xm pci-attach: xend's refusal, a BDF xm cannot parse, a bad option, a wrong count", async () => {
  const refused = await xm(['pci-attach', 'web', '00:02.0'], {
    ...none,
    'xend.domain.device_configure': () => fault(2, "pci: PCI Backend and pci-stub don't own device 0000:00:02.0"),
  });
  assert.deepEqual([refused.code, refused.stderr], [1, "Error: pci: PCI Backend and pci-stub don't own device 0000:00:02.0\n"]);
  const bad = await xm(['pci-attach', 'web', 'zz:00.0']);
  assert.deepEqual([bad.code, bad.stderr, bad.calls], [1, 'Error: Failed to parse pci device: zz:00.0\n', []]);
  const opt = await xm(['pci-attach', '-o', 'msitranslate', 'web', '03:00.0']);
  assert.deepEqual([opt.code, opt.stderr], [1, 'Error: Invalid pci attach option: msitranslate\n']);
  const count = await xm(['pci-attach', 'web']);
  assert.deepEqual([count.code, count.stderr, count.stdout], [1, "Error: Invalid argument for 'xm pci-attach'\n", usage('pci-attach')]);
});
