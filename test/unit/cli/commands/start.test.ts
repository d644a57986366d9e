import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, xm } from '../xm.js';

test('xm start [-p] DOM: one call, silent; --json gives the record', async () => {
  const r = await xm(['start', '-p', 'web'], { 'xend.domain.start': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.start', ['web', true]]]]);
  const j = JSON.parse((await xm(['start', '--json', 'web'], { 'xend.domain.start': () => 0, 'xend.domain': () => domainSxp({ name: 'web', domid: 8 }) })).stdout);
  assert.deepEqual([j.version, j.command, j.domain.name, j.domain.domid], [1, 'start', 'web', 8]);
});

test('xm start needs one domain', async () => {
  const r = await xm(['start']);
  assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm start' requires 1 argument.\n\n"]);
});
