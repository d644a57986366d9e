// vcpu-pin and CPU pools on the QEMU backend: the real guest's vCPU threads, confined by taskset, read back through xm vcpu-list.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpus } from 'node:os';
import { TestXend, eventually } from '../helpers/xend.js';
import { testGuest } from '../helpers/qemu-guest.js';

const guest = testGuest();
const skip = 'skip' in guest ? guest.skip : cpus().length < 2 ? `placing vCPUs needs 2 host CPUs, this host has ${cpus().length}` : false;
if (skip) process.stderr.write(`\n*** QEMU vCPU placement tests SKIPPED: ${skip} ***\n\n`);

function config(name: string, extra: string): string {
  const dir = 'dir' in guest ? guest.dir : '';
  return `kernel = "${dir}/vmlinuz"\nramdisk = "${dir}/initramfs.gz"\nmemory = 96\nname = "${name}"\nextra = "quiet"\n${extra}`;
}

interface Vcpu {
  vcpu: number;
  cpu: number;
  cpumap: number[];
}

describe('QEMU backend: vCPU placement', { skip }, () => {
  let x: TestXend;
  const all = [0, 1];

  async function vcpus(dom: string): Promise<Vcpu[]> {
    const r = await x.xm('vcpu-list', '--json', dom);
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { vcpus: Vcpu[] }).vcpus;
  }

  const affinity = async (dom: string) => (await vcpus(dom)).map((v) => v.cpumap);

  async function ok(...args: string[]): Promise<void> {
    const r = await x.xm(...args);
    assert.equal(r.code, 0, `xm ${args.join(' ')}: ${r.stderr}`);
  }

  before(async () => {
    x = await TestXend.start('(xend-hypervisor qemu)\n');
    x.writeFile('etc/xen/pinned', config('pinned', 'vcpus = 2\ncpus = "1"\n'));
    x.writeFile('etc/xen/inpool', config('inpool', 'vcpus = 2\npool = "half"\n'));
    x.writeFile('etc/xen/plain', config('plain', ''));
    x.writeFile('pools/half.cfg', 'name = "half"\nsched = "credit"\ncpus = "1"\n');
  });
  after(async () => {
    for (const dom of ['pinned', 'inpool', 'plain']) await x.xm('destroy', dom);
    await x.dispose();
  });

  test("cpus= holds at create; vcpu-pin moves one vCPU's thread; vcpu-list reads the kernel's affinity back", async () => {
    await ok('create', 'pinned');
    assert.deepEqual(await affinity('pinned'), [[1], [1]]);
    await ok('vcpu-pin', 'pinned', '0', '0');
    assert.deepEqual(await affinity('pinned'), [[0], [1]]);
    const text = (await x.xm('vcpu-list', 'pinned')).stdout.split('\n');
    assert.match(text[1]!, / 0$/);
    assert.match(text[2]!, / 1$/);
    // The CPU column is where the thread last ran: once it has run since, inside its affinity.
    await eventually(async () => (await vcpus('pinned')).every((v) => v.cpumap.includes(v.cpu)));
    await ok('vcpu-pin', 'pinned', 'all', '0-1');
    assert.deepEqual(await affinity('pinned'), [all, all]);
    assert.match((await x.xm('vcpu-list', 'pinned')).stdout, /any cpu\n.*any cpu\n$/);
  });

  test("a domain in a pool runs only on the pool's CPUs; cpupool-migrate and cpupool-cpu-add/remove place its threads anew", async () => {
    await ok('cpupool-cpu-remove', 'Pool-0', '1');
    assert.deepEqual(await affinity('pinned'), [[0], [0]], "Pool-0's domains leave the CPU it gave up");
    await ok('cpupool-create', x.path('pools/half.cfg'));
    await ok('cpupool-migrate', 'pinned', 'half');
    assert.deepEqual(await affinity('pinned'), [[1], [1]]);
    await ok('create', '-p', 'inpool');
    assert.deepEqual(await affinity('inpool'), [[1], [1]], 'pool= in the config');
    await ok('create', '-p', 'plain');
    assert.deepEqual(await affinity('plain'), [[0]], 'a new domain of Pool-0 gets only its CPUs');
    assert.equal((await x.xend('restart')).code, 0);
    assert.match((await x.xm('list', '--pool=half')).stdout, /^inpool .*\npinned /m, 'pools and their domains outlive xend');
    // Read from the threads again once xend found them (the CPU column is -1 until then).
    await eventually(async () => (await vcpus('pinned')).every((v) => v.cpu >= 0));
    assert.deepEqual(await affinity('pinned'), [[1], [1]]);
    const refused = await x.xm('vcpu-pin', 'pinned', '0', '0');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /Cannot pin vcpu: 0 to cpu: \[0\] - \(22, 'Invalid argument'\)/);
    for (const dom of ['pinned', 'inpool']) await ok('cpupool-migrate', dom, 'Pool-0');
    await ok('cpupool-destroy', 'half');
    await ok('cpupool-cpu-add', 'Pool-0', '1');
    for (const dom of ['pinned', 'inpool']) assert.deepEqual(await affinity(dom), [all, all]);
    assert.deepEqual(await affinity('plain'), [all]);
  });
});
