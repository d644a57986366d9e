import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

/** One pool as xend.cpu_pool.list sends it. */
const pool = (name: string, active: boolean, cpus: number[], vms: string[], ncpu = cpus.length, sched = 'credit') => [
  `uuid-${name}`,
  ['uuid', `uuid-${name}`],
  ['sched_policy', sched],
  ['started_VM_names', ...vms],
  ['host_CPUs', ...cpus.map((c) => `cpu-${c}`)],
  ['other_config'],
  ['name_label', name],
  ['activated', active],
  ['ncpu', ncpu],
  ['resident_on', 'node'],
  ['proposed_CPUs'],
  ['auto_power_on', 0],
  ['name_description', name],
  ['host_CPU_numbers', ...cpus],
  ['started_VMs', ...vms.map((v) => `vm-${v}`)],
];
const POOLS = [pool('Pool-0', true, [0, 1], ['Domain-0', 'web']), pool('p1', true, [3, 2], [], 2, 'credit2'), pool('m1', false, [], [], 1, 'sedf')];
const xend = { 'xend.cpu_pool.list': (names: string[]) => POOLS.filter((p) => !names.length || names.includes(String(p[6]![1]))) };

test("xm cpupool-list: xm's table; an inactive pool shows its configured CPU count", async () => {
  const r = await xm(['cpupool-list'], xend);
  assert.equal(r.code, 0);
  assert.equal(
    r.stdout,
    'Name               CPUs   Sched     Active   Domain count\n' +
      'Pool-0               2    credit       y          2\n' +
      'p1                   2   credit2       y          0\n' +
      'm1                   1      sedf       n          0\n',
  );
  assert.deepEqual(r.calls, [['xend.cpu_pool.list', [[]]]]);
});

test('xm cpupool-list -c: the CPUs of each pool, sorted, "-" for none', async () => {
  const r = await xm(['cpupool-list', '--cpus'], xend);
  assert.equal(r.stdout, 'Name             CPU list\nPool-0           0,1\np1               2,3\nm1               -\n');
});

test('xm cpupool-list -l POOL: the record as SXP', async () => {
  const r = await xm(['cpupool-list', '-l', 'p1'], xend);
  assert.deepEqual(r.calls, [['xend.cpu_pool.list', [['p1']]]]);
  assert.match(r.stdout, /^\(uuid-p1\n {4}\(uuid uuid-p1\)\n {4}\(sched_policy credit2\)\n/);
  assert.match(r.stdout, /\n {4}\(host_CPU_numbers 3 2\)\n/);
});

test("xm cpupool-list NOSUCH: xm's message, no table, status 0; two names are one too many", async () => {
  const r = await xm(['cpupool-list', 'nosuch'], xend);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', "Error: Pool 'nosuch' does not exist.\n"]);
  const two = await xm(['cpupool-list', 'a', 'b'], xend);
  assert.deepEqual([two.code, two.stderr, two.stdout], [1, 'Error: Only one cpupool name for selection allowed\n', usage('cpupool-list')]);
});

test('xm cpupool-list --json: the pools decoded', async () => {
  const r = await xm(['cpupool-list', '--json', 'p1'], xend);
  assert.equal(r.stdout, '{"version":1,"pools":[{"uuid":"uuid-p1","name":"p1","sched":"credit2","active":true,"ncpu":2,"cpus":[3,2],"domains":[]}]}\n');
});
