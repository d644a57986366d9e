import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const fn = (bus: string, func: string, vdevfn = '0x100') => ({ domain: '0x0000', bus, slot: '0x00', func, vdevfn, key: 'k', uuid: 'u' });

test('xm pci-list DOM: Device, by address; nothing at all for none', async () => {
  const r = await xm(['pci-list', 'web'], { 'xend.domain.getDeviceSxprs': () => [fn('0x04', '0x1'), fn('0x03', '0x0')] });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, 'Device\n0000:03:00.0\n0000:04:00.1\n', [['xend.domain.getDeviceSxprs', ['web', 'pci']]]]);
  const empty = await xm(['pci-list', 'web'], { 'xend.domain.getDeviceSxprs': () => [] });
  assert.deepEqual([empty.code, empty.stdout], [0, '']);
});

test('xm pci-list: the Vdev column when a function has a virtual slot', async () => {
  const r = await xm(['pci-list', '-l', 'hvm'], { 'xend.domain.getDeviceSxprs': () => [fn('0x03', '0x0', '0x28'), fn('0x04', '0x0')] });
  assert.equal(r.stdout, 'Vdev Device\n05.0 0000:03:00.0\n-    0000:04:00.0\n');
});

test("xm pci-list without a domain, or with two: xm's words", async () => {
  const none = await xm(['pci-list']);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, '', `No domain parameter given\n${usage('pci-list')}`]);
  const two = await xm(['pci-list', 'a', 'b']);
  assert.deepEqual([two.code, two.stdout], [1, `No multiple domain parameters allowed\n${usage('pci-list')}`]);
});
