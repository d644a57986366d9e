import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

const create = 'xend.domain.device_create';

test('xm network-attach sends every key=value as the vif config', async () => {
  const words = ['type=ioemu', 'mac=00:16:3e:00:00:01', 'bridge=xenbr0', 'ip=10.0.0.2', 'script=vif-bridge', 'backend=0', 'vifname=web0', 'rate=10Mb/s', 'model=e1000', 'accel=x'];
  const r = await xm(['network-attach', 'web', ...words], { [create]: () => ['vif', ['dom', 1, 'id', 0]] });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [[create, ['web', ['vif', ...words.map((w) => w.split('='))]]]]);
  const bare = await xm(['network-attach', 'web'], { [create]: () => null });
  assert.deepEqual(bare.calls, [[create, ['web', ['vif']]]]);
});

test('xm network-attach refuses an unknown key, an empty value, a word without =', async () => {
  for (const word of ['colour=red', 'mac=', 'bridge', 'ip=1=2']) {
    const r = await xm(['network-attach', 'web', word]);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: Invalid argument: ${word}\n`, usage('network-attach'), []], word);
  }
  const many = await xm(['network-attach', 'web', ...Array.from({ length: 11 }, () => 'mac=00:16:3e:00:00:01')]);
  assert.deepEqual([many.code, many.stderr], [1, "Error: 'xm network-attach' requires between 1 and 11 arguments.\n\n"]);
});

test("xm network-attach: xend's refusal of a MAC", async () => {
  const r = await xm(['network-attach', 'web', 'mac=zz'], { [create]: () => fault(2, 'Cannot create a new virtual network interface - MAC address is not valid!') });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Cannot create a new virtual network interface - MAC address is not valid!\n', usage('network-attach')]);
});
