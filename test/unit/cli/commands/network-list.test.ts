import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const sxprs = 'xend.domain.getDeviceSxprs';
const vif = ['0', [['backend-id', '0'], ['mac', '00:16:3e:00:00:01'], ['handle', '0'], ['state', '4'], ['backend', '/local/domain/0/backend/vif/3/0'], ['tx-ring-ref', '768'], ['rx-ring-ref', '769'], ['event-channel', '10']]];

test("xm network-list prints xm's table", async () => {
  const r = await xm(['network-list', 'web'], { [sxprs]: () => [vif] });
  assert.deepEqual(r.calls, [[sxprs, ['web', 'vif']]]);
  assert.equal(
    r.stdout,
    'Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path\n0   0  00:16:3e:00:00:01    0     4      10    768  /769     /local/domain/0/backend/vif/3/0  \n',
  );
});

test('xm network-list -l prints SXP; no domain is said as xm printed it', async () => {
  const r = await xm(['network-list', '-l', 'web'], { [sxprs]: () => [vif] });
  assert.match(r.stdout, /^\(0\n {4}\(\(backend-id 0\)\n {8}\(mac 00:16:3e:00:00:01\)/);
  const none = await xm(['network-list']);
  assert.deepEqual([none.code, none.stdout], [1, `No domain parameter given\n${usage('network-list')}`]);
});
