import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOM0, domainSxp, fault, usage, xm } from '../xm.js';

const WEB = domainSxp({ name: 'web', domid: 3 });
const credit2Host = { 'xend.node.info': () => [['system', 'Linux'], ['xen_scheduler', 'credit2']] };
/** A credit host with one active credit2 pool. */
const pooledHost = {
  'xend.node.info': () => [['xen_scheduler', 'credit']],
  'xend.cpu_pool.list': () => [['u', ['sched_policy', 'credit2'], ['activated', true], ['name_label', 'p1']]],
};

test("xm sched-credit2: every domain's weight; -1 for one whose pool runs another scheduler", async () => {
  const r = await xm(['sched-credit2'], {
    ...pooledHost,
    'xend.domains_with_state': () => [DOM0, WEB],
    'xend.domain.sched_credit2_get': (d: string) => (d === 'web' ? { weight: 512 } : fault(2, "(22, 'Invalid argument')")),
  });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'Name                                ID Weight\nDomain-0                             0     -1\nweb                                  3    512\n');
});

test('xm sched-credit2 -d DOM: that one, by name or id; an unknown one is xm\'s message and usage', async () => {
  const xend = { ...credit2Host, 'xend.domains_with_state': () => [DOM0, WEB], 'xend.domain.sched_credit2_get': () => ({ weight: 256 }) };
  const r = await xm(['sched-credit2', '-d', '3'], xend);
  assert.equal(r.stdout, 'Name                                ID Weight\nweb                                  3    256\n');
  const none = await xm(['sched-credit2', '-d', 'nosuch'], xend);
  assert.deepEqual([none.code, none.stderr, none.stdout], [1, "Error: Domain 'nosuch' does not exist.\n", usage('sched-credit2')]);
});

test('xm sched-credit2 -d DOM -w N sets it; silent; -w alone is No domain given.', async () => {
  const r = await xm(['sched-credit2', '-d', 'web', '--weight=300'], { ...credit2Host, 'xend.domain.sched_credit2_set': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls.at(-1), ['xend.domain.sched_credit2_set', ['web', 300]]);
  const alone = await xm(['sched-credit2', '-w', '5'], credit2Host);
  assert.deepEqual([alone.code, alone.stderr, alone.stdout], [1, 'Error: No domain given.\n', usage('sched-credit2')]);
  const range = await xm(['sched-credit2', '-d', 'web', '-w', '0'], { ...credit2Host, 'xend.domain.sched_credit2_set': () => fault(2, 'weight is out of range') });
  assert.deepEqual([range.code, range.stderr], [1, 'Error: weight is out of range\n']);
});

test('xm sched-credit2 where no pool runs credit2', async () => {
  const r = await xm(['sched-credit2'], { 'xend.node.info': () => [['xen_scheduler', 'credit']], 'xend.cpu_pool.list': () => [] });
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Xen is running with the credit scheduler\n', '']);
});
