// xend with (xend-hypervisor xen) over a fake xl (test/helpers/fake-xl.ts): the real
// binaries, a held `xl create`, and xm answered meanwhile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeXen } from '../helpers/fake-xl.js';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TestXend, eventually } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
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

  test("a disk detached behind xend's back (xl block-detach) leaves xm block-list: xenstore's frontends are what is plugged in", async () => {
    const img = x.writeFile('data2.img', 'a disk');
    const id = String(fake.domains.find((d) => d.name === 'g1')!.domid);
    ok(await x.xm('block-attach', 'g1', `file:${img}`, 'xvdc', 'w'));
    assert.match((await x.xm('block-list', 'g1')).stdout, /^51744 /m);
    const behind = spawnSync(fake.xl, ['block-detach', id, 'xvdc'], { encoding: 'utf8' });
    assert.equal(behind.status, 0, behind.stderr);
    await eventually(async () => !/^51744 /m.test((await x.xm('block-list', 'g1')).stdout));
    assert.doesNotMatch((await x.xm('list', '--long', 'g1')).stdout, /xvdc/);
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

describe('xm migrate --live between two xends of one xen host (fake xl)', () => {
  let fake: FakeXen;
  let src: TestXend;
  let dst: TestXend;
  let port: number;
  let kernel: string;
  before(async () => {
    fake = new FakeXen();
    port = await freePort();
    const xen = `(xend-hypervisor xen)\n(xen-xl-binary ${fake.xl})\n`;
    src = await TestXend.start(xen);
    dst = await TestXend.start(`${xen}(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n(xend-relocation-hosts-allow '^localhost$')\n(xend-domain-image-path ${fake.dir})\n`);
    kernel = join(fake.dir, 'vmlinuz');
    writeFileSync(kernel, 'a kernel');
  });
  after(async () => {
    await src.dispose();
    await dst.dispose();
    fake.close();
  });

  const domain = (name: string) => fake.domains.find((d) => d.name === name);
  const dstLog = () => readFileSync(dst.path('var/log/xen/xend.log'), 'utf8');

  test('a PVH guest moves: xl migrate -s runs xend as its relay, the destination xend runs xl migrate-receive on the connection', async () => {
    // xm 4.4 knew no pvh builder: the domain comes as SXP, as the lane makes it.
    ok(await src.xm('create', '-F', src.writeFile('pvh1.sxp', `(vm (name pvh1) (memory 64) (vcpus 1) (image (pvh (kernel ${kernel}) (tsc_mode native))))\n`)));
    ok(await src.xm('unpause', 'pvh1'));
    const before = domain('pvh1')!.domid;
    ok(await src.xm('migrate', '--live', '--port', String(port), 'pvh1', '127.0.0.1'));
    // xl carried the name it had meanwhile (migrating-pvh1): the destination gives it its own back.
    const moved = await eventually(async () => domain('pvh1'));
    assert.notEqual(moved.domid, before);
    assert.equal(moved.state, '-b----');
    assert.equal(fake.domains.filter((d) => d.name.startsWith('pvh1')).length, 1);
    // The destination xend holds it as its own (its record; not a domain xl made behind its back).
    await eventually(async () => new RegExp(`Domain pvh1 received from .* by xl as id ${moved.domid}$`, 'm').test(dstLog()));
    const there = await dst.xm('list', 'pvh1');
    ok(there);
    assert.match(there.stdout, new RegExp(`^pvh1 +${moved.domid} +64 `, 'm'));
    const [send] = fake.calls.filter((c) => c[0] === 'migrate');
    const relay = `${process.execPath} ${REPO}/bin/xend __xl-relay ${port} ${src.path('var/lib/xend')}`;
    assert.equal(send!.length, 5);
    assert.deepEqual([send![0], send![1], send![3], send![4]], ['migrate', '-s', String(before), '127.0.0.1']);
    assert.ok(send![2]!.startsWith(relay), `${send![2]} runs the relay`);
    assert.match(send![2]!, new RegExp(`/run/${before}\\.migrate$`));
    assert.deepEqual(fake.calls.filter((c) => c[0] === 'migrate-receive'), [['migrate-receive', '-e']]);
    assert.deepEqual(fake.receiveStdio, ['tcp tcp'], 'xl reads and writes the connection itself (xend copies nothing)');
  });

  test("a PV guest's live migration fails with xl's reason and it runs on here; nothing is left there", async () => {
    ok(await src.xm('create', '/dev/null', 'name=pv1', 'memory=64', `kernel=${kernel}`));
    ok(await src.xm('unpause', 'pv1'));
    const id = domain('pv1')!.domid;
    const r = await src.xm('migrate', '-l', '-p', String(port), 'pv1', '127.0.0.1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: xl migrate failed: Failed to enable logdirty: 95,22,0 \(22 = Invalid argument\): Internal error; Migration failed, failed to suspend at sender\.\n/);
    // Its name back (it was migrating-pv1 meanwhile), running.
    const back = await eventually(async () => domain('pv1'));
    assert.equal(back.domid, id);
    assert.equal(back.state, '-b----');
    assert.match((await src.xm('list', 'pv1')).stdout, new RegExp(`^pv1 +${id} +64 +1 +-b----`, 'm'));
    // The destination dropped what it began (its placeholder); it lists the guest only as the host's.
    await eventually(async () => /Receive failed: xl migrate-receive failed: .*Domain creation failed/.test(dstLog()));
    assert.ok(!fake.domains.some((d) => d.name.includes('--incoming')));
  });

  test('a destination that is no host name never reaches xl', async () => {
    const calls = fake.calls.length;
    const r = await src.xm('migrate', '-l', 'pv1', '127.0.0.1;touch /tmp/x');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: the xen backend migrates live only to a host name or IP address, not "127\.0\.0\.1;touch \/tmp\/x"\n/);
    assert.deepEqual(fake.calls.slice(calls).filter((c) => c[0]!.startsWith('migrate')), []);
  });
});
