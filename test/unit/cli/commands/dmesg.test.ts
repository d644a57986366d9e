import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm dmesg prints the ring exactly; -c prints it and clears it', async () => {
  const r = await xm(['dmesg'], { 'xend.node.dmesg.info': () => '(XEN) hello\n(XEN) world\n' });
  assert.deepEqual([r.code, r.stdout], [0, '(XEN) hello\n(XEN) world\n']);
  const empty = await xm(['dmesg'], { 'xend.node.dmesg.info': () => '' });
  assert.deepEqual([empty.code, empty.stdout], [0, '']);
  const c = await xm(['dmesg', '-c', '--json'], { 'xend.node.dmesg.clear': () => 'old' });
  assert.equal(c.stdout, '{"version":1,"cleared":true,"dmesg":"old"}\n');
});

test("xm dmesg takes no argument: one word passes arg_check and is xm_dmesg's refusal, two are arg_check's", async () => {
  const r = await xm(['dmesg', 'x']);
  assert.deepEqual([r.code, r.stderr], [1, 'Error: No parameter required\n']);
  const two = await xm(['dmesg', '-c', 'x']);
  assert.deepEqual([two.code, two.stderr], [1, "Error: 'xm dmesg' requires between 0 and 1 arguments.\n\n"]);
});
