import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const create = 'xend.domain.device_create';

test('xm network2-attach sends its keys as a vif2 config', async () => {
  const r = await xm(['network2-attach', 'web', 'front_mac=00:16:3e:00:00:01', 'bridge=xenbr0', 'trusted=1'], { [create]: () => null });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, '', [[create, ['web', ['vif2', ['front_mac', '00:16:3e:00:00:01'], ['bridge', 'xenbr0'], ['trusted', '1']]]]]]);
});

test("xm network2-attach refuses network-attach's keys it does not take", async () => {
  const r = await xm(['network2-attach', 'web', 'mac=00:16:3e:00:00:01']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Invalid argument: mac=00:16:3e:00:00:01\n', usage('network2-attach')]);
});
