import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, fault, xm } from '../xm.js';

test('xm domid NAME: the id, None for a domain that is not running', async () => {
  const r = await xm(['domid', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 4 }) });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, '4\n', [['xend.domain', ['web', 0]]]]);
  const off = await xm(['domid', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: null }) });
  assert.equal(off.stdout, 'None\n');
  const j = await xm(['domid', '--json', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 4 }) });
  assert.equal(j.stdout, '{"version":1,"name":"web","domid":4}\n');
});

test('xm domid of an unknown domain', async () => {
  const r = await xm(['domid', 'ghost'], { 'xend.domain': (d: string) => fault(3, d) });
  assert.deepEqual([r.code, r.stderr], [3, "Error: Domain 'ghost' does not exist.\n"]);
});
