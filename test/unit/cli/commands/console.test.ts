import { test } from 'node:test';
import assert from 'node:assert/strict';
import { domainSxp, fault, usage, xm } from '../xm.js';

test('xm console -q: a domain that does not exist fails silently', async () => {
  const r = await xm(['console', '-q', 'ghost'], { 'xend.domain': (d: string) => fault(3, d) });
  assert.deepEqual([r.code, r.stdout, r.stderr], [1, '', '']);
});

test('xm console of a domain that is not running', async () => {
  const r = await xm(['console', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: null }) });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: Domain 'web' is not started\n", usage('console')]);
});

test('xm console -n: only console 0 exists', async () => {
  const r = await xm(['console', '-n', '1', 'web']);
  assert.deepEqual([r.code, r.stderr, r.calls], [1, 'Error: Console 1 does not exist: domains have one console (hvc0)\n', []]);
});

test('xm console --replay=N takes a number', async () => {
  const r = await xm(['console', '--replay=lots', 'web']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Invalid argument.\n', usage('console')]);
});
