import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

const ok = { 'xend.domain.send_trigger': () => 0 };

test('xm trigger DOM NAME [VCPU]: VCPU 0 unless given', async () => {
  const r = await xm(['trigger', 'web', 'nmi'], ok);
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.send_trigger', ['web', 'nmi', 0]]]]);
  const two = await xm(['trigger', 'web', 'power', '2'], ok);
  assert.deepEqual(two.calls, [['xend.domain.send_trigger', ['web', 'power', 2]]]);
});

test("xm trigger with a VCPU that is not a number: xm's int() failing", async () => {
  const r = await xm(['trigger', 'web', 'nmi', 'one'], ok);
  assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: Invalid argument.\n', usage('trigger'), []]);
});

test('xm trigger takes two or three arguments', async () => {
  const r = await xm(['trigger', 'web']);
  assert.equal(r.stderr, "Error: 'xm trigger' requires between 2 and 3 arguments.\n\n");
});
