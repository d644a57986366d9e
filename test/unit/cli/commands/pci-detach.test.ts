import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const fn = (func: string, key = '04:00.0-1') => ({ domain: '0x0000', bus: '0x04', slot: '0x00', func, vdevfn: '0x100', key, uuid: 'u' });

test('xm pci-detach DOM BDF: each function with (state Closing)', async () => {
  const r = await xm(['pci-detach', 'web', '04:00.0-1'], { 'xend.domain.getDeviceSxprs': () => [fn('0x0'), fn('0x1')], 'xend.domain.device_configure': () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(
    r.calls.slice(1).map(([, [, cfg]]) => cfg),
    [
      ['pci', ['dev', ['domain', '0x0000'], ['bus', '0x04'], ['slot', '0x00'], ['func', '0x1'], ['vdevfn', '0x101'], ['key', '04:00.0-1']], ['state', 'Closing']],
      ['pci', ['dev', ['domain', '0x0000'], ['bus', '0x04'], ['slot', '0x00'], ['func', '0x0'], ['vdevfn', '0x100'], ['key', '04:00.0-1']], ['state', 'Closing']],
    ],
  );
});

test('xm pci-detach of a function not attached, and functions attached apart', async () => {
  const missing = await xm(['pci-detach', 'web', '03:00.0'], { 'xend.domain.getDeviceSxprs': () => [fn('0x0')] });
  assert.deepEqual([missing.code, missing.stderr, missing.stdout], [1, 'Error: pci: device 0000:03:00.0 is not attached!\n', usage('pci-detach')]);
  const apart = await xm(['pci-detach', 'web', '04:00.0-1'], { 'xend.domain.getDeviceSxprs': () => [fn('0x0', '04:00.0'), fn('0x1', '04:00.1')] });
  assert.equal(apart.code, 1);
  assert.equal(apart.stderr, 'Error: Not all functions in slot 0x100 have had detachment requested.\nRequested:\n\t0000:04:00.1\n\t0000:04:00.0\nPresent:\n\t0000:04:00.1 (04:00.1)\n\n');
});
