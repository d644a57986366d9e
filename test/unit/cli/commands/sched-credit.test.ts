import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3 });
const host = (scheduler = 'credit') => ({ 'xend.node.info': () => [['system', 'Linux'], ['xen_scheduler', scheduler]] });

test("xm sched-credit: every domain's weight and cap in xm's columns", async () => {
  const r = await xm(['sched-credit'], {
    ...host(),
    'xend.domains_with_state': () => [DOM0, WEB],
    'xend.domain.sched_credit_get': (d: string) => (d === 'web' ? { weight: 512, cap: 50 } : { weight: 256, cap: 0 }),
  });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'Name                                ID Weight  Cap\nDomain-0                             0    256    0\nweb                                  3    512   50\n');
});

test('xm sched-credit -d DOM -w N -c N sets them; silent', async () => {
  const r = await xm(['sched-credit', '-d', 'web', '-w', '300', '--cap=20'], { ...host(), 'xend.domain.sched_credit_set': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls.at(-1), ['xend.domain.sched_credit_set', ['web', 300, 20]]);
  const j = await xm(['sched-credit', '--json', '-d', 'web', '-w', '300'], { ...host(), 'xend.domain.sched_credit_set': () => 0 });
  assert.equal(j.stdout, '{"version":1,"ok":true,"command":"sched-credit","domain":"web"}\n');
});

test('xm sched-credit with a weight that is not a number: Invalid argument., before xend is asked', async () => {
  const r = await xm(['sched-credit', '-d', 'web', '-w', 'heavy']);
  assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: Invalid argument.\n', usage('sched-credit'), []]);
});

test('xm sched-credit -w without -d: No domain given.', async () => {
  const r = await xm(['sched-credit', '-w', '5'], host());
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: No domain given.\n', usage('sched-credit')]);
});

test('xm sched-credit on another scheduler', async () => {
  const r = await xm(['sched-credit'], host('credit2'));
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Xen is running with the credit2 scheduler\n', '']);
});

test('xm sched-credit -d with an unknown domain: its message and the usage, exit 1 (not 3), as xm', async () => {
  const r = await xm(['sched-credit', '-d', 'nosuch'], { ...host(), 'xend.domains_with_state': () => [DOM0, WEB] });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, "Error: Domain 'nosuch' does not exist.\n", usage('sched-credit')]);
});

test('xm sched-credit: words after the options are ignored, as getopt left them', async () => {
  const r = await xm(['sched-credit', '-d', 'web', '-w', '300', 'extra'], { ...host(), 'xend.domain.sched_credit_set': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls.at(-1), ['xend.domain.sched_credit_set', ['web', 300, null]]);
});
