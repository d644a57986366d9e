import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const sxprs = 'xend.domain.getDeviceSxprs';
/** A running domain's disk as xenstore's frontend listed it. */
const disk = ['51728', [['backend-id', '0'], ['virtual-device', '51728'], ['device-type', 'disk'], ['state', '4'], ['backend', '/local/domain/0/backend/vbd/3/51728'], ['ring-ref', '8'], ['event-channel', '9']]];

test("xm block-list prints xm's table, trailing spaces and all", async () => {
  const r = await xm(['block-list', 'web'], { [sxprs]: () => [disk] });
  assert.deepEqual(r.calls, [[sxprs, ['web', 'vbd']]]);
  assert.deepEqual([r.code, r.stderr], [0, '']);
  assert.equal(r.stdout, 'Vdev  BE handle state evt-ch ring-ref BE-path\n51728  0    0     4      9      8     /local/domain/0/backend/vbd/3/51728  \n');
});

test("a domain that is not running lists its config's disks, xm's defaults for what they lack; none prints nothing", async () => {
  const r = await xm(['block-list', 'web'], { [sxprs]: () => [[768, ['vbd', ['uname', 'file:/a.img'], ['dev', 'hda'], ['mode', 'w']]]] });
  assert.equal(r.stdout, `Vdev  BE handle state evt-ch ring-ref BE-path\n768    -1   0     -1     -1     -1    ${'??'.padEnd(30)}  \n`);
  const none = await xm(['block-list', 'web'], { [sxprs]: () => [] });
  assert.deepEqual([none.code, none.stdout], [0, '']);
});

test('xm block-list -l prints each device as SXP; --json gives the fields', async () => {
  const r = await xm(['block-list', '--long', 'web'], { [sxprs]: () => [disk] });
  assert.match(r.stdout, /^\(51728\n {4}\(\(backend-id 0\)\n/);
  assert.match(r.stdout, /\(event-channel 9\)\n {4}\)\n\)\n$/);
  const j = await xm(['block-list', 'web', '--json'], { [sxprs]: () => [disk] });
  const doc = JSON.parse(j.stdout);
  assert.equal(doc.domain, 'web');
  assert.deepEqual(doc.devices[0].devid, 51728);
  assert.equal(doc.devices[0].fields.state, '4');
});

test('xm block-list without a domain, or with two, says so as xm printed it, then the usage', async () => {
  const none = await xm(['block-list']);
  assert.deepEqual([none.code, none.stdout, none.stderr, none.calls], [1, `No domain parameter given\n${usage('block-list')}`, '', []]);
  const two = await xm(['block-list', 'a', 'b']);
  assert.deepEqual([two.code, two.stdout, two.stderr], [1, `No multiple domain parameters allowed\n${usage('block-list')}`, '']);
  const bad = await xm(['block-list', '-x', 'a']);
  assert.deepEqual([bad.code, bad.stderr], [1, 'Error: option -x not recognized\n']);
});
