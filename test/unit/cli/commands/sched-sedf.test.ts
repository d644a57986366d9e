import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, fault, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3 });
const sedfHost = { 'xend.node.info': () => [['xen_scheduler', 'sedf']] };
const sedf = (domid: number, period: number, slice: number) => ['sedf', ['domid', domid], ['period', period], ['slice', slice], ['latency', 0], ['extratime', 1], ['weight', 0]];

test("xm sched-sedf: each running domain's EDF parameters in ms; -1s for one of another scheduler", async () => {
  const r = await xm(['sched-sedf'], {
    ...sedfHost,
    'xend.domains_with_state': (_d: boolean, state: string) => (state === 'running' ? [DOM0, WEB] : []),
    'xend.domain.cpu_sedf_get': (d: string) => (d === '3' ? sedf(3, 100000000, 0) : fault(2, "(22, 'Invalid argument')")),
  });
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    'Name                                ID Period(ms) Slice(ms) Lat(ms) Extra Weight\n' +
      'Domain-0                            -1      -0.0      -0.0    -0.0     -1     -1\n' +
      'web                                  3     100.0       0.0     0.0      1      0\n',
  );
});

test('xm sched-sedf DOM -p MS -s MS: the current values with those replaced, in ns, sent together', async () => {
  const r = await xm(['sched-sedf', 'web', '-p', '20', '--slice=5.5'], {
    ...sedfHost,
    'xend.domains_with_state': () => [DOM0, WEB],
    'xend.domain.cpu_sedf_get': () => sedf(3, 100000000, 0),
    'xend.domain.cpu_sedf_set': () => 0,
  });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls.at(-1), ['xend.domain.cpu_sedf_set', ['3', 20000000, 5500000, 0, 1, 0]]);
});

test("xm sched-sedf: xend's refusal, a value that is no number, an unknown domain", async () => {
  const xend = { ...sedfHost, 'xend.domains_with_state': () => [WEB], 'xend.domain.cpu_sedf_get': () => sedf(3, 100000000, 0) };
  const refused = await xm(['sched-sedf', 'web', '-p', '0.001'], { ...xend, 'xend.domain.cpu_sedf_set': () => fault(2, "(22, 'Invalid argument')") });
  assert.deepEqual([refused.code, refused.stderr], [1, "Error: (22, 'Invalid argument')\n"]);
  const bad = await xm(['sched-sedf', 'web', '-p', 'soon']);
  assert.deepEqual([bad.code, bad.stderr, bad.stdout], [1, 'Error: Invalid argument.\n', usage('sched-sedf')]);
  const none = await xm(['sched-sedf', 'nosuch'], xend);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, "Error: Domain 'nosuch' does not exist.\n", usage('sched-sedf')]);
});

test('xm sched-sedf on a host and pools without SEDF', async () => {
  const r = await xm(['sched-sedf'], { 'xend.node.info': () => [['xen_scheduler', 'credit']], 'xend.cpu_pool.list': () => [] });
  assert.deepEqual([r.code, r.stderr], [1, 'Error: Xen is running with the credit scheduler\n']);
});
