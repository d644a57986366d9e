import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, xm } from '../xm.js';

test('xm domname ID: the name', async () => {
  const r = await xm(['domname', '4'], { 'xend.domain': () => domainSxp({ name: 'web', domid: 4 }) });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, 'web\n', [['xend.domain', ['4', 0]]]]);
});

test('xm domname needs one id', async () => {
  const r = await xm(['domname']);
  assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm domname' requires 1 argument.\n\n"]);
});
