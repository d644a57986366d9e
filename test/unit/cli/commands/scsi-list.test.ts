import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

const lun = (vdev: string, pdev: string, name: string) => ['dev', ['state', '4'], ['devid', '0'], ['p-dev', pdev], ['p-devname', name], ['v-dev', vdev], ['frontstate', '4']];
const running = () => [
  [0, [['devs', [lun('0:0:1:0', '2:0:1:0', 'sdc'), lun('0:0:0:0', '2:0:0:0', 'sdb')]], ['state', '4'], ['feature-host', '0'], ['backend-id', '0'], ['backend', '/local/domain/0/backend/vscsi/1/0']]],
];

test("xm scsi-list DOM: a row per LUN in virtual HCTL order, the print's two blanks after host", async () => {
  const r = await xm(['scsi-list', 'web'], { 'xend.domain.getDeviceSxprs': running });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    'Idx BE  state host  phy-hctl   phy   vir-hctl   devstate\n' +
      '0   0   4     0     2:0:0:0    sdb   0:0:0:0    4   \n' +
      '0   0   4     0     2:0:1:0    sdc   0:0:1:0    4   \n',
  );
  assert.deepEqual(r.calls, [['xend.domain.getDeviceSxprs', ['web', 'vscsi']]]);
});

test("xm scsi-list of a domain not running: xend's config view, -1 where it says nothing, None for the front's state", async () => {
  const halted = () => [[0, [['devs', [['dev', ['state', 1], ['devid', 0], ['p-dev', '2:0:0:0'], ['p-devname', 'sdb'], ['v-dev', '0:0:0:0'], ['frontstate', null]]]], ['feature-host', 0]]]];
  const r = await xm(['scsi-list', 'web'], { 'xend.domain.getDeviceSxprs': halted });
  assert.equal(r.stdout.split('\n')[1], '0   -1  -1    0     2:0:0:0    sdb   0:0:0:0    None');
});

test('xm scsi-list -l: the SXP, LUNs sorted; nothing for none', async () => {
  const r = await xm(['scsi-list', '--long', 'web'], { 'xend.domain.getDeviceSxprs': running });
  assert.match(r.stdout, /^\(0\n/);
  assert.ok(r.stdout.indexOf('(v-dev 0:0:0:0)') < r.stdout.indexOf('(v-dev 0:0:1:0)'));
  const none = await xm(['scsi-list', 'web'], { 'xend.domain.getDeviceSxprs': () => [] });
  assert.equal(none.stdout, '');
});
