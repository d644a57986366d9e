import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startXendOver, type TransportName } from '../helpers/transports.js';
import { json, ok, refused } from '../helpers/xm-checks.js';
import { pythonCalls as python } from '../helpers/python-xmlrpc.js';
import type { TestXend } from '../helpers/xend.js';

/**
 * CPU pools and the schedulers they run, end to end through the binaries: pools
 * partition the sim host's 4 CPUs, a domain's VCPUs run on its pool's CPUs, and
 * pools outlive `xend restart` as xend kept them.
 */

const POOL_HEADER = 'Name               CPUs   Sched     Active   Domain count\n';
const poolRow = (name: string, cpus: number, sched: string, active: string, doms: number) =>
  `${name.padEnd(16)}   ${String(cpus).padStart(3)}  ${sched.padStart(8)}       ${active}          ${doms}\n`;

/** The CPU each VCPU of `dom` runs on, from xm vcpu-list. */
async function vcpuCpus(x: TestXend, dom: string): Promise<{ cpu: number; affinity: string }[]> {
  const r = await x.xm('vcpu-list', dom);
  ok(r, 'vcpu-list');
  return r.stdout
    .split('\n')
    .slice(1)
    .filter(Boolean)
    .map((l) => {
      const [, , , cpu, , , ...affinity] = l.trim().split(/\s+/);
      return { cpu: Number(cpu), affinity: affinity.join(' ') };
    });
}

for (const transport of ['xmlrpc-unix', 'xmlrpc-tcp'] as TransportName[]) {
  describe(`CPU pools over ${transport}`, () => {
    let x: TestXend;
    before(async () => {
      x = await startXendOver(transport, '(sim-host-cpus 4)\n(sim-host-memory 4096)\n');
      x.writeFile('pools/web.cfg', 'name = "web"\nsched = "credit2"\ncpus = "2-3"\nother_config = ["owner=ops"]\n');
      x.writeFile('pools/rt.cfg', 'sched = "sedf"\ncpus = 1\n');
    });
    after(() => x.dispose());

    const xm = (...args: string[]) => x.xmWith({ cwd: x.path('pools') }, ...args);

    test('Pool-0 holds every CPU; a new pool needs free ones', async () => {
      assert.equal((await xm('cpupool-list')).stdout, POOL_HEADER + poolRow('Pool-0', 4, 'credit', 'y', 1));
      assert.equal((await xm('cpupool-list', '-c')).stdout, 'Name             CPU list\nPool-0           0,1,2,3\n');
      const none = await xm('cpupool-create', 'web.cfg');
      assert.equal(none.stderr, "Error: ['INSUFFICIENT_CPUS', '2', '0']\n");
      assert.equal(none.code, 1);
      ok(await xm('cpupool-cpu-remove', 'Pool-0', '2'));
      ok(await xm('cpupool-cpu-remove', 'Pool-0', '3'));
      const made = await xm('cpupool-create', 'web.cfg');
      ok(made, 'cpupool-create');
      assert.equal(made.stdout, 'Using config file "./web.cfg".\n');
      assert.equal((await xm('cpupool-list')).stdout, POOL_HEADER + poolRow('Pool-0', 2, 'credit', 'y', 1) + poolRow('web', 2, 'credit2', 'y', 0));
      assert.equal((await xm('cpupool-list', '--cpus', 'web')).stdout, 'Name             CPU list\nweb              2,3\n');
      const long = await xm('cpupool-list', '-l', 'web');
      assert.match(long.stdout, /\n {4}\(other_config \(owner ops\)\)\n/);
      assert.match(long.stdout, /\n {4}\(host_CPU_numbers 2 3\)\n/);
      const doc = await json(x, 'cpupool-list', 'cpupool-list', 'web');
      assert.deepEqual(doc.pools.map((p: { name: string; cpus: number[] }) => [p.name, p.cpus]), [['web', [2, 3]]]);
      assert.match((await xm('info')).stdout, /\nfree_cpus +: 0\n/);
    });

    test("a domain in a pool: list --pool, vcpu-list within the pool's CPUs, pinning outside refused", async () => {
      ok(await xm('create', '/dev/null', 'name=w1', 'memory=64', 'vcpus=2', 'pool=web'));
      ok(await xm('create', '/dev/null', 'name=d1', 'memory=64', 'vcpus=2'));
      const listed = await xm('list', '--pool=web');
      assert.deepEqual(listed.stdout.split('\n').slice(1, -1).map((l) => l.split(' ')[0]), ['w1']);
      assert.match((await xm('list', '-l', 'w1')).stdout, /\n {4}\(pool_name web\)\n/);
      for (const v of await vcpuCpus(x, 'w1')) assert.ok([2, 3].includes(v.cpu) && v.affinity === 'any cpu', JSON.stringify(v));
      for (const v of await vcpuCpus(x, 'd1')) assert.ok([0, 1].includes(v.cpu), JSON.stringify(v));
      refused(await xm('vcpu-pin', 'w1', '0', '0-1'), "Cannot pin vcpu: 0 to cpu: [0, 1] - (22, 'Invalid argument')", 'vcpu-pin');
      ok(await xm('vcpu-pin', 'w1', '0', '3'));
      assert.deepEqual((await vcpuCpus(x, 'w1'))[0], { cpu: 3, affinity: '3' });
      const nopool = await xm('create', '/dev/null', 'name=w2', 'memory=64', 'pool=nosuch');
      assert.deepEqual([nopool.code, nopool.stderr], [1, 'Error: unknown pool nosuch\n']);
    });

    test('refusals: a pool in use, its last CPU, a CPU of another pool, Domain-0', async () => {
      refused(await xm('cpupool-destroy', 'web'), "['POOL_BAD_STATE', 'in use']", 'cpupool-destroy');
      refused(await xm('cpupool-cpu-add', 'web', '0'), `['INVAILD_CPU', 'cpu already assigned to pool "${await poolUuid('Pool-0')}"']`, 'cpupool-cpu-add');
      refused(await xm('cpupool-cpu-add', 'web', '7'), "['INVAILD_CPU', 'CPU unknown']", 'cpupool-cpu-add');
      refused(await xm('cpupool-migrate', 'Domain-0', 'web'), 'could not move Domain-0', 'cpupool-migrate');
      refused(await xm('cpupool-start', 'nosuch'), 'unknown pool nosuch', 'cpupool-start');
      refused(await xm('cpupool-delete', 'web'), "['POOL_BAD_STATE', 'activated']", 'cpupool-delete');
      ok(await xm('cpupool-cpu-remove', 'web', '3'));
      refused(await xm('cpupool-cpu-remove', 'web', '2'), "['LAST_CPU_NOT_REMOVEABLE', 'could not remove last cpu']", 'cpupool-cpu-remove');
      for (const v of await vcpuCpus(x, 'w1')) assert.equal(v.cpu, 2, 'a VCPU pinned to a CPU its pool lost runs on what is left');
      ok(await xm('cpupool-cpu-add', 'web', '3'));
    });

    test("sched-credit2 for the credit2 pool's domains; sched-credit for Pool-0's", async () => {
      const listing = await xm('sched-credit2');
      ok(listing);
      assert.match(listing.stdout, /\nd1 +\d+ +-1\n/);
      assert.match(listing.stdout, /\nw1 +\d+ +256\n/);
      ok(await xm('sched-credit2', '-d', 'w1', '-w', '768'));
      assert.match((await xm('sched-credit2', '-d', 'w1')).stdout, /\nw1 +\d+ +768\n$/);
      refused(await xm('sched-credit2', '-d', 'w1', '-w', '70000'), 'weight is out of range', 'sched-credit2');
      refused(await xm('sched-credit', '-d', 'w1', '-w', '300'), "(22, 'Invalid argument')", 'sched-credit');
      assert.match((await xm('sched-credit')).stdout, /\nw1 +\d+ +-1 +-1\n/);
      assert.equal((await xm('sched-sedf')).stderr, 'Error: Xen is running with the credit scheduler\n');
    });

    test("the calls xm 4.4 made get xend's answers: shapes, None, faults", async () => {
      const out = python((x as TestXend & { uri: string }).uri, String.raw`
pools = server.xend.cpu_pool.list([])
out['names'] = [dict((kv[0], kv[1:]) for kv in p[1:])['name_label'][0] for p in pools]
web = dict((kv[0], kv[1:]) for kv in server.xend.cpu_pool.list(['web'])[0][1:])
out['web'] = [web['activated'], web['host_CPU_numbers'], web['started_VM_names'], web['sched_policy'], web['proposed_CPUs']]
out['credit2'] = server.xend.domain.sched_credit2_get('w1')
out['credit2_set'] = server.xend.domain.sched_credit2_set('w1', None)
out['sedf'] = fault(server.xend.domain.cpu_sedf_get, 'w1')
out['start'] = fault(server.xend.cpu_pool.start, 'nosuch')
out['add'] = fault(server.xend.cpu_pool.cpu_add, 'web', 'x')
out['migrate'] = fault(server.xend.cpu_pool.migrate, 'nosuch', 'web')
`);
      assert.deepEqual(out.names, ['Pool-0', 'web']);
      assert.deepEqual(out.web, [[true], [2, 3], ['w1'], ['credit2'], ['2', '3']]);
      assert.deepEqual(out.credit2, { weight: 768 });
      assert.equal(out.credit2_set, 0);
      assert.deepEqual(out.sedf, [2, "(22, 'Invalid argument')"]);
      assert.deepEqual(out.start, [2, 'unknown pool nosuch']);
      assert.deepEqual(out.add, [1, "invalid literal for int() with base 10: 'x'"]);
      assert.deepEqual(out.migrate, [2, 'unknown domain nosuch']);
    });

    test('cpupool-migrate moves a running domain; then the pool can go', async () => {
      ok(await xm('cpupool-migrate', 'w1', 'Pool-0'));
      assert.match((await xm('list', '-l', 'w1')).stdout, /\n {4}\(pool_name Pool-0\)\n/);
      for (const v of await vcpuCpus(x, 'w1')) assert.ok([0, 1].includes(v.cpu) && v.affinity === 'any cpu', JSON.stringify(v));
      ok(await xm('cpupool-destroy', 'web'));
      assert.equal((await xm('cpupool-list')).stdout, POOL_HEADER + poolRow('Pool-0', 2, 'credit', 'y', 3));
      const gone = await xm('cpupool-list', 'web');
      assert.deepEqual([gone.code, gone.stdout, gone.stderr], [0, '', "Error: Pool 'web' does not exist.\n"]);
    });

    test('a managed SEDF pool: new, start, sched-sedf, and everything across xend restart', async () => {
      const made = await xm('cpupool-new', 'rt.cfg', 'name=rt', 'cpus=3');
      ok(made, 'cpupool-new');
      assert.equal((await xm('cpupool-list', 'rt')).stdout, POOL_HEADER + poolRow('rt', 1, 'sedf', 'n', 0));
      ok(await xm('cpupool-start', 'rt'));
      ok(await xm('create', '/dev/null', 'name=s1', 'memory=64', 'pool=rt'));
      const sedf = await xm('sched-sedf', 's1');
      ok(sedf);
      assert.match(sedf.stdout, /^Name +ID Period\(ms\) Slice\(ms\) Lat\(ms\) Extra Weight\ns1 +\d+ +100\.0 +0\.0 +0\.0 +1 +0\n$/);
      ok(await xm('sched-sedf', 's1', '-p', '20', '-s', '5', '-e', '0'));
      assert.match((await xm('sched-sedf', 's1')).stdout, /\ns1 +\d+ +20\.0 +5\.0 +0\.0 +0 +0\n$/);
      refused(await xm('sched-sedf', 's1', '-p', '0.001', '-s', '0.001'), "(22, 'Invalid argument')", 'sched-sedf');

      // save and restore keep the domain in its pool, as its config names it.
      ok(await xm('save', 's1', x.path('var/lib/xen/save/s1.chk')), 'save');
      assert.equal((await xm('cpupool-list', 'rt')).stdout, POOL_HEADER + poolRow('rt', 1, 'sedf', 'y', 0));
      ok(await xm('restore', x.path('var/lib/xen/save/s1.chk')), 'restore');
      assert.equal((await xm('cpupool-list', 'rt')).stdout, POOL_HEADER + poolRow('rt', 1, 'sedf', 'y', 1));
      assert.match((await xm('list', '-l', 's1')).stdout, /\n {4}\(pool_name rt\)\n/);
      ok(await xm('sched-sedf', 's1', '-p', '20', '-s', '5', '-e', '0'));

      ok(await x.xend('restart'), 'xend restart');
      assert.equal((await xm('cpupool-list')).stdout, POOL_HEADER + poolRow('Pool-0', 2, 'credit', 'y', 3) + poolRow('rt', 1, 'sedf', 'y', 1));
      assert.equal((await xm('cpupool-list', '-c', 'rt')).stdout, 'Name             CPU list\nrt               3\n');
      for (const v of await vcpuCpus(x, 's1')) assert.equal(v.cpu, 3);
      assert.match((await xm('sched-sedf', 's1')).stdout, /\ns1 +\d+ +20\.0 +5\.0 /);

      ok(await xm('destroy', 's1'));
      ok(await xm('cpupool-destroy', 'rt'));
      ok(await x.xend('restart'), 'xend restart');
      assert.equal((await xm('cpupool-list', 'rt')).stdout, POOL_HEADER + poolRow('rt', 1, 'sedf', 'n', 0), 'a managed pool stays defined');
      ok(await xm('cpupool-delete', 'rt'));
      assert.equal((await xm('cpupool-list', 'rt')).stderr, "Error: Pool 'rt' does not exist.\n");
    });

    async function poolUuid(name: string): Promise<string> {
      const doc = await json(x, 'cpupool-list', 'cpupool-list', name);
      return doc.pools[0].uuid as string;
    }
  });
}
