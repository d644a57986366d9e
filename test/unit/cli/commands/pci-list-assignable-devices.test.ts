import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm pci-list-assignable-devices: each function of xend.node.pciinfo', async () => {
  const dev = (bus: string, func: string) => ['dev', ['domain', '0x0000'], ['bus', bus], ['slot', '0x00'], ['func', func]];
  const r = await xm(['pci-list-assignable-devices'], { 'xend.node.pciinfo': () => [dev('0x03', '0x0'), dev('0x04', '0x1')] });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '0000:03:00.0\n0000:04:00.1\n', '']);
});

test('xm pci-list-assignable-devices without pciback: xm\'s complaint on stdout, exit 0', async () => {
  const r = await xm(['pci-list-assignable-devices'], { 'xend.node.pciinfo': () => null });
  assert.deepEqual([r.code, r.stdout], [0, 'Error: pciback/pci-stub not loaded?\n']);
  const json = await xm(['pci-list-assignable-devices', '--json'], { 'xend.node.pciinfo': () => null });
  assert.equal(JSON.parse(json.stdout).devices, null);
});
