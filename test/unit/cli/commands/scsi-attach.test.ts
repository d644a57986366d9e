import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const luns = () => [
  ['dev', ['p-dev', '2:0:0:0'], ['p-devname', 'sdb'], ['vendor', 'ATA'], ['model', 'A']],
  ['dev', ['p-dev', '2:0:1:0'], ['p-devname', 'sdc'], ['vendor', 'ATA'], ['model', 'B']],
];

test('xm scsi-attach DOM /dev/sdb 0:0:0:0: the LUN found on the host, device_configure as xm sent it', async () => {
  const r = await xm(['scsi-attach', 'web', '/dev/sdb', '0:0:0:0'], { 'xend.node.scsiinfo': luns, 'xend.domain.device_configure': () => true });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls[1], [
    'xend.domain.device_configure',
    ['web', ['vscsi', ['feature-host', 0], ['dev', ['state', 1], ['devid', 0], ['p-dev', '2:0:0:0'], ['p-devname', 'sdb'], ['v-dev', '0:0:0:0']]], null],
  ]);
});

test('xm scsi-attach DOM HCTL host BACKEND: every LUN of the host in host mode, the backend last', async () => {
  const r = await xm(['scsi-attach', 'web', '2:0:1:0', 'host', '0'], { 'xend.node.scsiinfo': luns, 'xend.domain.device_configure': () => true });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.calls[1]![1][1], [
    'vscsi',
    ['feature-host', 1],
    ['dev', ['state', 1], ['devid', 2], ['p-dev', '2:0:0:0'], ['p-devname', 'sdb'], ['v-dev', '2:0:0:0']],
    ['dev', ['state', 1], ['devid', 2], ['p-dev', '2:0:1:0'], ['p-devname', 'sdc'], ['v-dev', '2:0:1:0']],
    ['backend', '0'],
  ]);
});

test("xm scsi-attach: a device the host lacks, a virtual HCTL that is none, a wrong count", async () => {
  const missing = await xm(['scsi-attach', 'web', 'sdz', '0:0:0:0'], { 'xend.node.scsiinfo': luns });
  assert.deepEqual([missing.code, missing.stderr, missing.stdout], [1, "Error: Cannot find device 'sdz'\n", usage('scsi-attach')]);
  const virt = await xm(['scsi-attach', 'web', 'sdb', '0:0']);
  assert.deepEqual([virt.code, virt.stderr, virt.calls], [1, 'Error: Invalid argument: 0:0\n', []]);
  const count = await xm(['scsi-attach', 'web', 'sdb']);
  assert.deepEqual([count.code, count.stderr], [1, "Error: 'xm scsi-attach' requires between 3 and 4 arguments.\n\n"]);
});
