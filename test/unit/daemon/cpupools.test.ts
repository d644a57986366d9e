// CpuPoolService and SchedulerService (src/daemon/cpupools.ts, schedulers.ts) on a sim host of 4 CPUs.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimDomains } from '../../helpers/sim-domains.js';
import { childValue } from '../../../src/sxp/index.js';
import { CpuPoolService, poolMembers } from '../../../src/daemon/cpupools.js';
import { quiet } from '../../helpers/sim-domains.js';
import type { Hypervisor } from '../../../src/hypervisor/types.js';
import type { Sxp } from '../../../src/sxp/types.js';

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

const poolConfig = (name: string, sched: string, ncpu: number, ...cpus: number[]): Sxp => [
  'pool',
  ['name_label', name],
  ['sched_policy', sched],
  ['ncpu', ncpu],
  ['proposed_CPUs', ...cpus],
  ['other_config'],
];

/** One pool's listing as a map of its keys (sxp2map, as xm read it). */
function listed(name: string): Map<string, Sxp[]> {
  const [row] = x.pools.list([name]);
  assert.ok(Array.isArray(row), `pool ${name} listed`);
  return new Map((row.slice(1) as Sxp[][]).map(([k, ...v]) => [String(k), v]));
}

async function started(name: string, ...extra: Sxp[]): Promise<number> {
  await x.domains.create(['vm', ['name', name], ['memory', 16], ['vcpus', 2], ...extra]);
  const { domid } = x.domains.lookup(name);
  x.domains.unpause(domid);
  return domid;
}

const cpusOf = (dom: string) => (x.domains.vcpuInfo(dom) as Sxp[]).slice(4).map((v) => Number(childValue(v, 'cpu', -1)));

/** Pool-0 gives up CPUs 2 and 3; `p1` (credit2) takes them. */
async function splitHost(sched = 'credit2'): Promise<void> {
  await x.pools.cpuRemove('Pool-0', 2);
  await x.pools.cpuRemove('Pool-0', '3');
  await x.pools.create(poolConfig('p1', sched, 2, 3, 2));
}

describe('pools partition the CPUs', () => {
  test('Pool-0 holds every CPU and Domain-0 when xend first starts, in the order xm printed its keys', () => {
    const [row] = x.pools.list([]) as Sxp[][];
    assert.equal(typeof row![0], 'string');
    assert.deepEqual(
      row!.slice(1).map((kv) => (kv as Sxp[])[0]),
      ['uuid', 'sched_policy', 'started_VM_names', 'host_CPUs', 'other_config', 'name_label', 'activated', 'ncpu', 'resident_on', 'proposed_CPUs', 'auto_power_on', 'name_description', 'host_CPU_numbers', 'started_VMs'],
    );
    const p = listed('Pool-0');
    assert.deepEqual(p.get('host_CPU_numbers'), [0, 1, 2, 3]);
    assert.deepEqual(p.get('started_VM_names'), ['Domain-0']);
    assert.deepEqual(p.get('activated'), [true]);
    assert.deepEqual(p.get('sched_policy'), ['credit']);
    assert.equal(p.get('host_CPUs')!.length, 4);
  });

  test('a new pool needs free CPUs, and takes the proposed ones', async () => {
    await assert.rejects(async () => x.pools.create(poolConfig('p1', 'credit2', 2)), { message: "['INSUFFICIENT_CPUS', '2', '0']" });
    assert.deepEqual(x.pools.list(['p1']), [], 'a pool that could not start is not left behind');
    await x.pools.cpuRemove('Pool-0', 1);
    await x.pools.cpuRemove('Pool-0', 2);
    await x.pools.cpuRemove('Pool-0', 3);
    await x.pools.create(poolConfig('p1', 'credit2', 2, 3));
    assert.deepEqual(listed('p1').get('host_CPU_numbers'), [1, 3]);
    assert.deepEqual(listed('Pool-0').get('host_CPU_numbers'), [0]);
    assert.equal(x.sim.hostInfo().free_cpus, 1);
  });

  test("names are checked as XendCPUPool._checkName did; an unknown scheduler can't start", async () => {
    await assert.rejects(async () => x.pools.create(poolConfig('bad name', 'credit', 0)), { message: "['PARAMETER_ERROR', 'Invalid Pool Name']" });
    await assert.rejects(async () => x.pools.create(poolConfig('Pool-0', 'credit', 0)), { message: `['PARAMETER_ERROR', 'Pool name "Pool-0" already exists']` });
    await assert.rejects(async () => x.pools.create(poolConfig('p2', 'rr', 0)), { message: "['UNKOWN_SCHED_POLICY']" });
    let deep: Sxp = ['k', 'v'];
    for (let i = 0; i < 10_000; i++) deep = ['x', deep, deep];
    await assert.rejects(async () => x.pools.create(['pool', ['name_label', 'p3'], ['other_config', deep]]), { message: "['PARAMETER_ERROR', 'config']" });
  });

  test('CPU moves between pools are refused as xend refused them', async () => {
    await splitHost();
    const p1 = String(listed('p1').get('uuid')![0]);
    const pool0 = String(listed('Pool-0').get('uuid')![0]);
    await assert.rejects(async () => x.pools.cpuAdd('Pool-0', 2), { message: `['INVAILD_CPU', 'cpu already assigned to pool "${p1}"']` });
    await assert.rejects(async () => x.pools.cpuAdd('p1', 0), { message: `['INVAILD_CPU', 'cpu already assigned to pool "${pool0}"']` });
    await assert.rejects(async () => x.pools.cpuRemove('p1', 0), { message: "['INVAILD_CPU', 'CPU not assigned to pool']" });
    await assert.rejects(async () => x.pools.cpuAdd('p1', 9), { message: "['INVAILD_CPU', 'CPU unknown']" });
    await assert.rejects(async () => x.pools.cpuAdd('p1', 'x'), { message: "invalid literal for int() with base 10: 'x'" });
    await assert.rejects(async () => x.pools.cpuAdd('nosuch', 1), { message: 'unknown pool nosuch' });
  });
});

describe('domains in pools', () => {
  test("a domain starts in its config's pool and its VCPUs run only on that pool's CPUs", async () => {
    await splitHost();
    await started('a', ['pool_name', 'p1']);
    assert.equal(childValue(x.domains.domain('a'), 'pool_name'), 'p1');
    for (const cpu of cpusOf('a')) assert.ok([2, 3].includes(cpu), `cpu ${cpu} in p1`);
    assert.deepEqual(listed('p1').get('started_VM_names'), ['a']);
    await started('b');
    for (const cpu of cpusOf('b')) assert.ok([0, 1].includes(cpu), `cpu ${cpu} in Pool-0`);
  });

  test('an unknown or inactive pool refuses the domain', async () => {
    await assert.rejects(() => started('a', ['pool_name', 'nosuch']), { message: 'unknown pool nosuch' });
    x.pools.new(poolConfig('idle', 'credit', 1));
    await assert.rejects(() => started('a', ['pool_name', 'idle']), { message: 'pool idle not activated' });
    assert.equal(x.domains.hv.list().length, 1);
  });

  test('pinning outside the pool is refused; inside it is kept', async () => {
    await splitHost();
    await started('a', ['pool_name', 'p1']);
    assert.throws(() => x.domains.pinVcpu('a', 0, '0,1'), { message: "Cannot pin vcpu: 0 to cpu: [0, 1] - (22, 'Invalid argument')" });
    x.domains.pinVcpu('a', 0, '1,3');
    assert.equal(cpusOf('a')[0], 3);
  });

  test('a pool with domains cannot be destroyed nor lose its last CPU; migrate empties it', async () => {
    await splitHost();
    await started('a', ['pool_name', 'p1']);
    await assert.rejects(async () => x.pools.destroy('p1'), { message: "['POOL_BAD_STATE', 'in use']" });
    await x.pools.cpuRemove('p1', 3);
    await assert.rejects(async () => x.pools.cpuRemove('p1', 2), { message: "['LAST_CPU_NOT_REMOVEABLE', 'could not remove last cpu']" });
    await x.pools.migrate('a', 'Pool-0', poolMembers(x.domains));
    assert.equal(childValue(x.domains.domain('a'), 'pool_name'), 'Pool-0');
    for (const cpu of cpusOf('a')) assert.ok([0, 1].includes(cpu));
    await x.pools.destroy('p1');
    assert.deepEqual(x.pools.list(['p1']), [], 'an unmanaged pool is gone once deactivated');
    assert.deepEqual(listed('Pool-0').get('host_CPU_numbers'), [0, 1]);
  });

  test('migrate refuses Domain-0, unknown domains and pools', async () => {
    await assert.rejects(async () => x.pools.migrate('Domain-0', 'Pool-0', poolMembers(x.domains)), { message: 'could not move Domain-0' });
    await assert.rejects(async () => x.pools.migrate('nosuch', 'Pool-0', poolMembers(x.domains)), { message: 'unknown domain nosuch' });
    await assert.rejects(async () => x.pools.migrate('Domain-0', 'nosuch', poolMembers(x.domains)), { message: 'unknown pool nosuch' });
  });
});

describe('managed pools', () => {
  test('cpupool-new keeps a pool that start activates; it and its domains outlive xend', async () => {
    await x.pools.cpuRemove('Pool-0', 3);
    x.pools.new(poolConfig('m1', 'sedf', 1, 3));
    assert.deepEqual(listed('m1').get('activated'), [false]);
    await x.pools.start('m1');
    await started('a', ['pool_name', 'm1']);
    x = await x.reopen();
    assert.deepEqual(listed('m1').get('host_CPU_numbers'), [3]);
    assert.deepEqual(listed('m1').get('started_VM_names'), ['a']);
    assert.deepEqual(listed('Pool-0').get('host_CPU_numbers'), [0, 1, 2]);
    assert.throws(() => x.pools.delete('m1'), { message: "['POOL_BAD_STATE', 'activated']" });
    await x.pools.migrate('a', 'Pool-0', poolMembers(x.domains));
    await x.pools.destroy('m1');
    assert.deepEqual(listed('m1').get('activated'), [false], 'a managed pool stays defined');
    x = await x.reopen();
    x.pools.delete('m1');
    assert.deepEqual(x.pools.list(['m1']), []);
  });
});

describe('schedulers follow the pool', () => {
  test('credit2: weight within 1–65535, only for domains of a credit2 pool', async () => {
    await splitHost('credit2');
    await started('a', ['pool_name', 'p1']);
    await started('b');
    assert.deepEqual(x.schedulers.credit2Get('a'), { weight: 256 });
    assert.equal(x.schedulers.credit2Set('a', 512), 0);
    assert.deepEqual(x.schedulers.credit2Get('a'), { weight: 512 });
    assert.throws(() => x.schedulers.credit2Set('a', 0), { message: 'weight is out of range' });
    assert.throws(() => x.schedulers.credit2Get('b'), { message: "(22, 'Invalid argument')" });
    assert.throws(() => x.schedulers.requireScheduler('a', 'credit'), { message: "(22, 'Invalid argument')" });
    assert.throws(() => x.domains.schedCreditSet('a', 300, null), { message: "(22, 'Invalid argument')" });
  });

  test('SEDF: the defaults, a time-driven setting, and EINVAL for bad ones', async () => {
    await splitHost('sedf');
    const id = await started('a', ['pool_name', 'p1']);
    assert.deepEqual(x.schedulers.sedfGet('a'), ['sedf', ['domid', id], ['period', 100000000], ['slice', 0], ['latency', 0], ['extratime', 1], ['weight', 0]]);
    assert.equal(x.schedulers.sedfSet('a', { period: 20000000, slice: 5000000, latency: 0, extratime: 0, weight: 0 }), 0);
    assert.deepEqual(x.schedulers.sedfGet('a'), ['sedf', ['domid', id], ['period', 20000000], ['slice', 5000000], ['latency', 0], ['extratime', 0], ['weight', 0]]);
    assert.throws(() => x.schedulers.sedfSet('a', { period: 1000, slice: 0, latency: 0, extratime: 0, weight: 0 }), { message: "(22, 'Invalid argument')" });
    assert.throws(() => x.schedulers.sedfGet('Domain-0'), { message: "(22, 'Invalid argument')" });
  });
});

describe('a backend without pools', () => {
  const POOL_CALLS = new Set(['cpuPools', 'createCpuPool', 'setPoolLabel', 'destroyCpuPool', 'cpuPoolAddCpu', 'cpuPoolRemoveCpu', 'moveToCpuPool']);

  test('has only Pool-0, with every CPU and domain; a change is refused naming the backend', async () => {
    const bare = new Proxy(x.sim, {
      get: (target, prop, receiver) => (prop === 'name' ? 'qemu' : POOL_CALLS.has(String(prop)) ? undefined : Reflect.get(target, prop, receiver)),
    }) as Hypervisor;
    const pools = new CpuPoolService(bare, `${x.dir}/bare`, quiet);
    pools.recover();
    const [row] = pools.list([]) as Sxp[][];
    assert.deepEqual(row!.find((kv) => (kv as Sxp[])[0] === 'host_CPU_numbers'), ['host_CPU_numbers', 0, 1, 2, 3]);
    assert.equal(pools.placement('Pool-0'), 0);
    await assert.rejects(async () => pools.cpuRemove('Pool-0', 1), { message: 'The qemu hypervisor backend cannot remove CPUs from CPU pools' });
    await assert.rejects(async () => pools.create(poolConfig('p1', 'credit', 0)), { message: 'The qemu hypervisor backend cannot create CPU pools' });
  });
});
