import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, xm } from '../xm.js';

test('xm scsi-detach DOM 0:0:0:0: (state 5) and None for the physical side, as xm sent it', async () => {
  const r = await xm(['scsi-detach', 'web', '0:0:0:0'], { 'xend.domain.device_configure': () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [
    ['xend.domain.device_configure', ['web', ['vscsi', ['feature-host', 0], ['dev', ['state', 5], ['devid', 0], ['p-dev', null], ['p-devname', null], ['v-dev', '0:0:0:0']]], null]],
  ]);
});

test("xm scsi-detach: xend's refusal, and a virtual HCTL that is none", async () => {
  const r = await xm(['scsi-detach', 'web', '0:0:9:0'], { 'xend.domain.device_configure': () => fault(2, 'Cannot detach vscsi device does not exist') });
  assert.deepEqual([r.code, r.stderr], [1, 'Error: Cannot detach vscsi device does not exist\n']);
  const bad = await xm(['scsi-detach', 'web', 'sdb']);
  assert.deepEqual([bad.code, bad.stderr], [1, 'Error: Invalid argument: sdb\n']);
});
