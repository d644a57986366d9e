import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, xm } from '../xm.js';

test('xm domstate DOM: one word for the state letters', async () => {
  for (const [state, domid, word] of [
    ['r-----', 1, 'running'],
    ['-b----', 1, 'idle'],
    ['--p---', 1, 'paused'],
    ['---s--', 1, 'shutoff'],
    ['-----d', 1, 'shutdown'],
    ['----c-', 1, 'crashed'],
    ['', null, 'shutoff'],
  ] as const) {
    const r = await xm(['domstate', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid, state }), 'xend.domain.getpauseflag': () => false });
    assert.deepEqual([r.code, r.stdout], [0, `${word}\n`], state);
  }
});

test('xm domstate DOM: a domain xm paused (xend\'s pause flag) is "paused by admin"', async () => {
  const r = await xm(['domstate', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 1, state: '--p---' }), 'xend.domain.getpauseflag': () => true });
  assert.deepEqual([r.code, r.stdout], [0, 'paused by admin\n']);
  assert.deepEqual(r.calls.at(-1), ['xend.domain.getpauseflag', ['web']]);
});

test('xm domstate --json', async () => {
  const r = await xm(['domstate', '--json', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 2, state: '--p---' }), 'xend.domain.getpauseflag': () => false });
  assert.equal(r.stdout, '{"version":1,"name":"web","domid":2,"state":"paused"}\n');
});
