// xend with (xend-hypervisor xen) over a fake xl (test/helpers/fake-xl.ts): the real
// binaries, a held `xl create`, and xm answered meanwhile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXen } from '../helpers/fake-xl.js';
import { TestXend } from '../helpers/xend.js';
import { ok } from '../helpers/xm-checks.js';

describe('xend on the xen backend while xl builds a domain', () => {
  let fake: FakeXen;
  let x: TestXend;
  before(async () => {
    fake = new FakeXen();
    x = await TestXend.start(`(xend-hypervisor xen)\n(xen-xl-binary ${fake.xl})\n`);
  });
  after(async () => {
    await x.dispose();
    fake.close();
  });

  test('xm list is answered while xl create runs; xm create returns once xl is done', async () => {
    // xm checks that the kernel exists where it runs, as xm 4.4 did.
    const kernel = x.writeFile('vmlinuz', 'a kernel');
    const cfg = x.writeFile('g1.cfg', `name = 'g1'\nkernel = '${kernel}'\nmemory = 64\n`);
    const xlRunning = fake.hold('create');
    const creating = x.xm('create', cfg);
    const finish = await xlRunning;
    const meanwhile = await x.xm('list');
    ok(meanwhile);
    assert.match(meanwhile.stdout, /^Domain-0 +0 /m);
    assert.doesNotMatch(meanwhile.stdout, /^g1 /m);
    finish();
    ok(await creating);
    const [g1] = fake.domains;
    assert.match((await x.xm('list', 'g1')).stdout, new RegExp(`^g1 +${g1!.domid} +64 `, 'm'));
  });

  test('xm block-attach, network-attach and their -list and -detach run xl on the domain', async () => {
    const img = x.writeFile('data.img', 'a disk');
    const [g1] = fake.domains;
    const id = String(g1!.domid);
    ok(await x.xm('block-attach', 'g1', `file:${img}`, 'xvdb', 'w'));
    ok(await x.xm('network-attach', 'g1', 'mac=00:16:3e:00:00:0a', 'bridge=xenbr0'));
    const blocks = await x.xm('block-list', 'g1');
    ok(blocks);
    assert.match(blocks.stdout, /^51728 /m);
    const nics = await x.xm('network-list', 'g1');
    ok(nics);
    assert.match(nics.stdout, /00:16:3e:00:00:0a/);
    const missing = await x.xm('block-attach', 'g1', 'file:/no/such.img', 'xvdc', 'w');
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Error: xl block-attach failed: .*\/no\/such\.img does not exist\.\n$/);
    ok(await x.xm('block-detach', 'g1', 'xvdb'));
    ok(await x.xm('network-detach', 'g1', '0'));
    const calls = fake.calls.filter((c) => c[0]!.startsWith('block-') || c[0]!.startsWith('network-'));
    assert.deepEqual(calls, [
      ['block-attach', id, `format=raw, vdev=xvdb, access=rw, target=${img}`],
      ['network-attach', id, 'mac=00:16:3e:00:00:0a', 'bridge=xenbr0'],
      ['block-attach', id, 'format=raw, vdev=xvdc, access=rw, target=/no/such.img'],
      ['block-detach', id, 'xvdb'],
      ['network-detach', id, '00:16:3e:00:00:0a'],
    ]);
    assert.deepEqual(fake.domains[0]!.disks, []);
    assert.deepEqual(fake.domains[0]!.nics, []);
  });

  test('xm cpupool-* run xl cpupool-*; a domain created with pool= is built in it', async () => {
    const web = x.writeFile('pools/web.cfg', 'name = "web"\nsched = "credit"\ncpus = "1"\n');
    const kernel = x.writeFile('vmlinuz', 'a kernel');
    ok(await x.xm('cpupool-cpu-remove', 'Pool-0', '1'));
    ok(await x.xm('cpupool-create', web));
    assert.match((await x.xm('cpupool-list', '-c')).stdout, /^web +1$/m);
    ok(await x.xm('create', '/dev/null', 'name=w1', 'memory=64', `kernel=${kernel}`, 'pool=web'));
    assert.equal(fake.domains.find((d) => d.name === 'w1')!.pool, 'web');
    assert.match((await x.xm('list', '--pool=web')).stdout, /^w1 /m);
    ok(await x.xm('cpupool-migrate', 'w1', 'Pool-0'));
    assert.equal(fake.domains.find((d) => d.name === 'w1')!.pool, 'Pool-0');
    ok(await x.xm('cpupool-destroy', 'web'));
    assert.deepEqual(fake.pools.map((p) => [p.name, p.cpus]), [['Pool-0', [0]]]);
    assert.deepEqual(
      fake.calls.filter((c) => c[0]!.startsWith('cpupool-') && c[0] !== 'cpupool-list'),
      [
        ['cpupool-cpu-remove', 'Pool-0', '1'],
        ['cpupool-create', 'name="web"', 'sched="credit"'],
        ['cpupool-cpu-add', 'web', '1'],
        ['cpupool-migrate', String(fake.domains.find((d) => d.name === 'w1')!.domid), 'Pool-0'],
        ['cpupool-cpu-remove', 'web', '1'],
        ['cpupool-destroy', 'web'],
      ],
    );
  });
});
