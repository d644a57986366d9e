import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const ok = { 'xend.domain.pincpu': () => 0 };

test("xm vcpu-pin DOM VCPU CPUS: xm's cpu_make_map, sorted", async () => {
  for (const [vcpu, cpus, sent] of [
    ['0', '3,1-2', ['0', '1,2,3']],
    ['ALL', '0-3,^2', ['all', '0,1,3']],
    [' 1 ', 'all', ['1', Array.from({ length: 64 }, (_, i) => i).join(',')]],
  ] as const) {
    const r = await xm(['vcpu-pin', 'web', vcpu, cpus], ok);
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(r.calls, [['xend.domain.pincpu', ['web', ...sent]]], `${vcpu} ${cpus}`);
  }
});

test('xm vcpu-pin with a bad VCPU or CPU list: Invalid argument.', async () => {
  for (const [vcpu, cpus] of [
    ['x', '1'],
    ['0', '1-x'],
    ['0', '1-2-3'],
    ['0', '^y'],
  ]) {
    const r = await xm(['vcpu-pin', 'web', vcpu!, cpus!], ok);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: Invalid argument.\n', usage('vcpu-pin'), []], `${vcpu} ${cpus}`);
  }
});
