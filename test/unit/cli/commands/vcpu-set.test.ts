import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fault, usage, xm } from '../xm.js';

test("xm vcpu-set DOM N: Python's int() of N", async () => {
  for (const [n, count] of [['2', 2], [' +3 ', 3]] as const) {
    const r = await xm(['vcpu-set', 'web', n], { 'xend.domain.setVCpuCount': () => 0 });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(r.calls, [['xend.domain.setVCpuCount', ['web', count]]]);
  }
});

test('xm vcpu-set with a count that is not a number: Invalid argument.', async () => {
  for (const n of ['x', '1.5', '2 cpus']) {
    const r = await xm(['vcpu-set', 'web', n]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error: Invalid argument.\n');
    assert.equal(r.stdout, usage('vcpu-set'));
    assert.deepEqual(r.calls, []);
  }
});

test('xm vcpu-set with three arguments; set-vcpus is its deprecated alias', async () => {
  const r = await xm(['vcpu-set', 'web', '1', '2']);
  assert.equal(r.stderr, "Error: 'xm vcpu-set' requires 2 arguments.\n\n");
  const alias = await xm(['set-vcpus', 'web', '1'], { 'xend.domain.setVCpuCount': () => 0 });
  assert.equal(alias.stderr, 'Command set-vcpus is deprecated.  Please use xm vcpu-set instead.\n');
});

test("xm vcpu-set for an unknown domain: exit 3, xm's words", async () => {
  const r = await xm(['vcpu-set', 'ghost', '1'], { 'xend.domain.setVCpuCount': (d: string) => fault(3, d) });
  assert.deepEqual([r.code, r.stderr, r.stdout], [3, "Error: Domain 'ghost' does not exist.\n", '']);
});
