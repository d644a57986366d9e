// The xen backend (src/hypervisor/xen/host.ts) under xend's services, on a fake xl
// (test/helpers/fake-xl.ts): what xl is asked, in which order, and that xend
// goes on serving while xl works.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeXen } from '../helpers/fake-xl.js';
import { eventually } from '../helpers/xend.js';
import { quiet, shutdownRelay, testCheckpoints } from '../helpers/sim-domains.js';
import { XenHost } from '../../src/hypervisor/xen/host.js';
import { XenRunner } from '../../src/hypervisor/xen/runner.js';
import { DomainService } from '../../src/daemon/domains.js';
import type { CheckpointService } from '../../src/daemon/checkpoint.js';
import { relocationHandler } from '../../src/daemon/servers/relocation.js';
import { DeviceService } from '../../src/daemon/devices/service.js';
import { CpuPoolService, poolMembers } from '../../src/daemon/cpupools.js';
import { childValue } from '../../src/sxp/index.js';
import type { Sxp } from '../../src/sxp/types.js';

const vm = (name: string, ...extra: Sxp[]): Sxp => ['vm', ['name', name], ['memory', 64], ['image', ['linux', ['kernel', '/boot/vmlinuz']]], ...extra];

// xl runs synchronously only while xend starts (the backend's constructor), never while it serves.
let starting = false;
const runSync = XenRunner.prototype.runSync;
XenRunner.prototype.runSync = function (this: XenRunner, ...args: Parameters<XenRunner['runSync']>) {
  assert.ok(starting, `${args[0]} ${args[1].join(' ')} ran synchronously while xend served`);
  return runSync.apply(this, args);
};

/** xend's services on the xen backend, over one fake host. */
class XenDomains {
  readonly host: XenHost;
  readonly domains: DomainService;
  readonly checkpoints: CheckpointService;
  readonly devices: DeviceService;
  readonly pools: CpuPoolService;
  private readonly relay = shutdownRelay(() => this.domains);
  /** Resolves once xend acted on the next shutdown the host reports. */
  readonly acted = this.relay.acted;

  /** `dir`: another xend's, to start as that xend restarted. */
  constructor(
    readonly fake: FakeXen,
    readonly dir = mkdtempSync(join(tmpdir(), 'xend-xen-')),
  ) {
    starting = true;
    try {
      this.host = new XenHost({ stateDir: join(this.dir, 'state'), xlBinary: fake.xl, log: quiet, events: this.relay.events });
    } finally {
      starting = false;
    }
    this.pools = new CpuPoolService(this.host, join(this.dir, 'state'), quiet);
    this.pools.recover();
    this.domains = new DomainService(this.host, { enabled: false, dom0MinMiB: 0 }, quiet, undefined, { pools: this.pools });
    this.checkpoints = testCheckpoints(this.domains, this.dir);
    this.devices = new DeviceService(this.domains, quiet);
  }

  names(): Sxp[] {
    return this.domains.domainsWithState(false, 'all', false);
  }

  close(): void {
    this.host.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

const open: { close(): void }[] = [];
function xenHost(): XenDomains {
  const fake = new FakeXen();
  const x = new XenDomains(fake);
  open.push(fake, x);
  return x;
}
afterEach(() => {
  for (const o of open.splice(0).reverse()) o.close();
});

/** The xl commands run so far, as their first words (`create`, `destroy 1`, …). */
const verbs = (x: XenDomains, ...keep: string[]) => x.fake.calls.filter((c) => keep.includes(c[0]!)).map((c) => c.filter((a) => !a.startsWith('/') && !a.startsWith('-')).join(' '));

describe('create runs xl in the background', () => {
  test('xend answers while xl create builds a domain, keeps its name taken, and has it once xl is done', async () => {
    const x = xenHost();
    const xlRunning = x.fake.hold('create');
    const creating = x.domains.create(vm('g1'));
    const finish = await xlRunning;
    // xl is still building g1: xend serves a listing and refuses the name to another create.
    assert.deepEqual(x.names(), ['Domain-0']);
    await assert.rejects(() => x.domains.create(vm('g1')), { message: "VM name 'g1' already exists" });
    finish();
    await creating;
    const [built] = x.fake.domains;
    assert.equal(x.domains.lookup('g1').domid, built!.domid);
    assert.deepEqual(x.names(), ['Domain-0', 'g1']);
    assert.equal(verbs(x, 'create').length, 1, 'the refused create ran no xl');
  });

  test("xl's refusal is create's error, in xl's words", async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    const config = x.domains.lookup('g1').config!;
    // The backend asked for a name Xen has (xend's own rule would have refused it first).
    await assert.rejects(() => Promise.resolve(x.host.create({ name: 'g1', uuid: randomUUID(), memoryMiB: 64, maxmemMiB: 64, vcpus: 1, config, restartCount: 0 })), {
      message: 'xl create failed: Domain with name "g1" already exists.; cannot make domain: -6',
    });
  });

  test('a domain xl built that xend cannot list is destroyed, and the create fails with why', async () => {
    const x = xenHost();
    const xlRunning = x.fake.hold('create');
    const creating = x.domains.create(vm('g1'));
    const finish = await xlRunning;
    const listsAgain = x.fake.failing('list', ['xl: cannot talk to libxl']);
    finish();
    await assert.rejects(creating, { message: 'Failed to create domain g1: xl built g1, but xend could not list it (xl list failed: xl: cannot talk to libxl): destroyed' });
    listsAgain();
    assert.deepEqual(x.fake.domains, []);
    assert.deepEqual(verbs(x, 'create', 'destroy'), ['create', 'destroy g1']);
    assert.deepEqual(x.names(), ['Domain-0']);
  });

  test('xl dmesg and the scheduler are asked without holding xend, and answered', async () => {
    const x = xenHost();
    assert.equal(await x.host.dmesg(), '(XEN) Xen version 4.17.7 (fake)\n');
    await x.domains.create(vm('g1'));
    assert.equal(await x.domains.schedCreditSet('g1', 512, 10), 0);
    assert.deepEqual(x.fake.calls.find((c) => c[0] === 'sched-credit2' && c.length > 1), ['sched-credit2', '-d', '1', '-w', '512', '-c', '10']);
  });
});

describe('the view while xl acts', () => {
  test("a listing begun while xl unpauses a domain (it reads it paused still) does not undo xend's unpause", async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    await x.domains.create(vm('g2'));
    await x.domains.unpause('g2');
    const xlRunning = x.fake.hold('unpause');
    const unpausing = x.domains.unpause('g1');
    const finish = await xlRunning;
    assert.equal(x.domains.lookup('g1').flags.paused, false);
    // Two listings begun after xend asked, while Xen still has g1 paused (one ends before the next begins).
    const listings = () => x.fake.calls.filter((c) => c[0] === 'list' && c[1] === '-v').length;
    const before = listings();
    await x.domains.pause('g2');
    await eventually(async () => listings() >= before + 2);
    assert.equal(x.fake.domains.find((d) => d.name === 'g1')!.state, '--p---');
    assert.equal(x.domains.lookup('g1').flags.paused, false);
    finish();
    await unpausing;
    assert.equal(x.fake.domains.find((d) => d.name === 'g1')!.state, '-b----');
    assert.equal(x.domains.lookup('g1').flags.paused, false);
  });
});

describe('a domain xend built that a listing misses', () => {
  test('is kept while xl list DOMID shows it (as it was), and forgotten once xl says it does not exist', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    const { domid, uuid } = x.domains.lookup('g1');
    const listed = x.fake.unlist('g1');
    // Listings go on (each xl list -v after the first asked of g1 alone), g1 stays xend's.
    const asked = () => x.fake.calls.filter((c) => c.join(' ') === `list -v ${domid}`).length;
    await eventually(async () => asked() >= 2);
    assert.equal(x.domains.lookup('g1').uuid, uuid);
    assert.deepEqual(x.names(), ['Domain-0', 'g1']);
    listed();
    // Destroyed with xl behind xend's back: gone from xend's view and records.
    assert.equal(spawnSync(x.fake.xl, ['destroy', 'g1']).status, 0);
    await eventually(async () => x.names().length === 1);
    assert.throws(() => x.domains.lookup('g1'), /g1/);
  });
});

describe('reboot', () => {
  test('the old domain is destroyed before xl builds the new one (a new domid, the same name and uuid)', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1', ['on_reboot', 'restart']));
    const old = x.domains.lookup('g1');
    await x.domains.unpause('g1');
    const acted = x.acted();
    await x.domains.shutdown('g1', 'reboot');
    await acted;
    const now = x.domains.lookup('g1');
    assert.notEqual(now.domid, old.domid);
    assert.equal(now.uuid, old.uuid);
    assert.deepEqual(x.fake.domains.map((d) => [d.name, d.domid]), [['g1', now.domid]]);
    assert.deepEqual(verbs(x, 'create', 'destroy', 'reboot'), ['create', `reboot ${old.domid}`, `destroy ${old.domid}`, 'create']);
  });
});

describe('save and restore', () => {
  test('xl save writes a file in xend\'s own folder (never a /proc path); the image comes back with xl restore', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    const { uuid, domid } = x.domains.lookup('g1');
    const file = join(x.dir, 'g1.chk');
    await x.checkpoints.save('g1', file, false);
    const save = x.fake.calls.find((c) => c[0] === 'save')!;
    assert.deepEqual(save.slice(0, 3), ['save', '-p', String(domid)]);
    assert.ok(save[3]!.startsWith(join(x.dir, 'state', 'xen', 'run')), save[3]);
    await eventually(async () => x.fake.domains.length === 0);
    await x.checkpoints.restore(file, false);
    const back = x.domains.lookup('g1');
    assert.equal(back.uuid, uuid);
    assert.deepEqual(x.fake.domains.map((d) => [d.name, d.uuid, d.state]), [['g1', uuid, '-b----']]);
  });

  test('a checkpoint (save -c) leaves the guest running: xl left it paused, xend unpauses it', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    await x.domains.unpause('g1');
    await x.checkpoints.save('g1', join(x.dir, 'g1.chk'), true);
    assert.deepEqual(verbs(x, 'save', 'unpause'), ['unpause 1', 'save 1', 'unpause 1']);
    assert.equal(x.fake.domains[0]!.state, '-b----');
    assert.equal(x.domains.lookup('g1').flags.shutdown, false);
  });
});

describe('migration (non-live: xl save, the image in the relocation stream, xl restore)', () => {
  let server: Server | undefined;
  afterEach(() => server?.close());

  /** A destination xend's relocation server on an ephemeral port. */
  async function destination(dst: XenDomains): Promise<number> {
    server = createServer(relocationHandler(dst.checkpoints, quiet, 60_000));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  test('the domain leaves the source and runs on the destination with its uuid', async () => {
    const src = xenHost();
    const dst = xenHost();
    const port = await destination(dst);
    await src.domains.create(vm('g1'));
    await src.domains.unpause('g1');
    const { uuid } = src.domains.lookup('g1');
    await src.checkpoints.migrate('g1', '127.0.0.1', false, port, false, false);
    await eventually(async () => src.fake.domains.length === 0);
    assert.deepEqual(dst.fake.domains.map((d) => [d.name, d.uuid]), [['g1', uuid]]);
    assert.equal(dst.domains.lookup('g1').uuid, uuid);
    assert.deepEqual(verbs(src, 'save', 'destroy', 'rename'), ['rename 1 migrating-g1', 'save 1', 'destroy 1']);
    // The destination unpauses it with an xl of its own, which may still be starting.
    await eventually(async () => verbs(dst, 'restore', 'unpause').length === 2);
    assert.deepEqual(verbs(dst, 'restore', 'unpause'), ['restore', 'unpause 1']);
    assert.equal(dst.fake.domains[0]!.state, '-b----');
  });

  test('--live without a relay command (xend not run from its script) is refused before xl runs: the domain runs on, under its name', async () => {
    const src = xenHost();
    await src.domains.create(vm('g1'));
    await assert.rejects(
      () => src.checkpoints.migrate('g1', '127.0.0.1', true, 1, false, false),
      { message: 'the xen backend has no relay command for xl migrate: live migration is not available' },
    );
    assert.deepEqual(verbs(src, 'save', 'rename', 'migrate'), []);
    assert.equal(src.domains.lookup('g1').name, 'g1');
  });

  test('a destination that refuses the domain leaves it running on the source', async () => {
    const src = xenHost();
    const dst = xenHost();
    const port = await destination(dst);
    await dst.domains.create(vm('g1'));
    await src.domains.create(vm('g1'));
    await src.domains.unpause('g1');
    await assert.rejects(() => src.checkpoints.migrate('g1', '127.0.0.1', false, port, false, false), /already exists/);
    const g1 = src.domains.lookup('g1');
    assert.equal(g1.flags.shutdown, false);
    assert.equal(g1.name, 'g1');
    // xend's record is back at once; xl's rename and unpause run after it.
    await eventually(async () => src.fake.domains[0]?.name === 'g1' && src.fake.domains[0]?.state === '-b----').catch((err: Error) => {
      throw new Error(`${err.message}: xl shows ${JSON.stringify(src.fake.domains)} after ${JSON.stringify(src.fake.calls)}; xend's view ${JSON.stringify(src.domains.lookup('g1').flags)}`);
    });
  });
});

describe('device hotplug through xl', () => {
  /** A disk image in the test's folder. */
  const image = (x: XenDomains, name: string) => {
    const file = join(x.dir, name);
    writeFileSync(file, 'disk');
    return file;
  };
  const lastCall = (x: XenDomains, verb: string) => x.fake.calls.filter((c) => c[0] === verb).pop();

  test('block-attach gives xl one disk spec (target last), block-list shows it, block-detach names the vdev', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    const { domid } = x.domains.lookup('g1');
    const img = image(x, 'data,1.img');
    await x.devices.create('g1', ['vbd', ['uname', `file:${img}`], ['dev', 'xvdb'], ['mode', 'w']]);
    assert.deepEqual(lastCall(x, 'block-attach'), ['block-attach', String(domid), `format=raw, vdev=xvdb, access=rw, target=${img}`]);
    assert.deepEqual(x.fake.domains[0]!.disks, [{ vdev: 'xvdb', target: img, access: 'rw', cdrom: false }]);
    assert.deepEqual(x.devices.sxprs('g1', 'vbd').map((d) => (d as Sxp[])[0]), ['51728']);
    await x.devices.destroy('g1', 'vbd', 'xvdb', false, true);
    assert.deepEqual(lastCall(x, 'block-detach'), ['block-detach', String(domid), 'xvdb']);
    assert.deepEqual(x.fake.domains[0]!.disks, []);
    await x.devices.create('g1', ['vbd', ['uname', `file:${img}`], ['dev', 'xvdc'], ['mode', 'r']]);
    await x.devices.destroy('g1', 'vbd', 51744, true, true);
    assert.deepEqual(lastCall(x, 'block-detach'), ['block-detach', '-f', String(domid), 'xvdc']);
  });

  test("xl's refusal is the fault, in xl's words, and the config stays as it was", async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    await assert.rejects(
      async () => x.devices.create('g1', ['vbd', ['uname', 'file:/no/such.img'], ['dev', 'xvdb'], ['mode', 'w']]),
      { message: 'xl block-attach failed: /etc/xen/scripts/block add [1234] exited with error status 1; script: /no/such.img does not exist.' },
    );
    assert.deepEqual(x.devices.sxprs('g1', 'vbd'), []);
  });

  test('what would break an xl spec is refused before xl runs', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    await assert.rejects(async () => x.devices.create('g1', ['vbd', ['uname', 'file:/img\nvdev=xvdz'], ['dev', 'xvdb'], ['mode', 'w']]), /contains a control character, which xl cannot take/);
    await assert.rejects(async () => x.devices.create('g1', ['vbd', ['uname', 'file:/img'], ['dev', 'xvdb,target=/etc/shadow'], ['mode', 'w']]), /is not a virtual device name|Unable to find number/);
    await assert.rejects(async () => x.devices.create('g1', ['vif', ['model', 'e1000,script=/tmp/x']]), /vif model "e1000,script=\/tmp\/x" is not valid/);
    assert.deepEqual(x.devices.sxprs('g1', 'vif'), []);
    assert.equal(lastCall(x, 'block-attach'), undefined);
    assert.equal(lastCall(x, 'network-attach'), undefined);
  });

  test('network-attach passes each key=value as its own word; network-detach names the MAC', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    const { domid } = x.domains.lookup('g1');
    await x.devices.create('g1', ['vif', ['mac', '00:16:3e:00:00:0a'], ['bridge', 'xenbr0']]);
    await x.devices.create('g1', ['vif', ['mac', '00:16:3e:00:00:0b']]);
    assert.deepEqual(lastCall(x, 'network-attach'), ['network-attach', String(domid), 'mac=00:16:3e:00:00:0b']);
    assert.deepEqual(x.fake.calls.find((c) => c[0] === 'network-attach'), ['network-attach', String(domid), 'mac=00:16:3e:00:00:0a', 'bridge=xenbr0']);
    await x.devices.destroy('g1', 'vif', 0, false, true);
    assert.deepEqual(lastCall(x, 'network-detach'), ['network-detach', String(domid), '00:16:3e:00:00:0a']);
    assert.deepEqual(x.fake.domains[0]!.nics.map((n) => n.mac), ['00:16:3e:00:00:0b']);
    // What was vif 1 is the domain's only interface now: xend numbers it 0, xl still finds it by its MAC.
    await x.devices.destroy('g1', 'vif', '00:16:3e:00:00:0b', false, true);
    assert.deepEqual(x.fake.domains[0]!.nics, []);
  });

  test('block-configure changes a CD-ROM disc with xl cd-insert and cd-eject; a PV guest is refused by xl', async () => {
    const x = xenHost();
    const iso = image(x, 'a.iso');
    const cdrom: Sxp = ['device', ['vbd', ['uname', `file:${iso}`], ['dev', 'hdc:cdrom'], ['mode', 'r']]];
    await x.domains.create(['vm', ['name', 'h1'], ['memory', 64], ['image', ['hvm', ['kernel', '/usr/lib/xen/boot/hvmloader']]], cdrom]);
    const { domid } = x.domains.lookup('h1');
    const other = image(x, 'b.iso');
    await x.devices.configure('h1', ['vbd', ['uname', `file:${other}`], ['dev', 'hdc:cdrom'], ['mode', 'r']], null);
    assert.deepEqual(lastCall(x, 'cd-insert'), ['cd-insert', String(domid), 'hdc', other]);
    await x.devices.configure('h1', ['vbd', ['uname', ''], ['dev', 'hdc:cdrom'], ['mode', 'r']], null);
    assert.deepEqual(lastCall(x, 'cd-eject'), ['cd-eject', String(domid), 'hdc']);
    assert.equal(x.fake.domains[0]!.disks[0]!.target, '');
    await x.domains.create(vm('g1', cdrom));
    await assert.rejects(async () => x.devices.configure('g1', ['vbd', ['uname', `file:${other}`], ['dev', 'hdc:cdrom'], ['mode', 'r']], null), {
      message: 'xl cd-insert failed: cdrom-insert requires an HVM domain',
    });
  });

  test("a domain made with xl lists the disks and interfaces xl says it has, and those xend attaches", async () => {
    const x = xenHost();
    const cfg = join(x.dir, 'f1.cfg');
    writeFileSync(cfg, `name = "f1"\nuuid = "${randomUUID()}"\nmemory = 64\nvcpus = 1\ndisk = [ "format=raw, vdev=xvda, access=rw, target=/dev/loop0" ]\n`);
    assert.equal(spawnSync(x.fake.xl, ['create', cfg]).status, 0);
    assert.equal(spawnSync(x.fake.xl, ['network-attach', 'f1', 'mac=00:16:3e:00:00:0f']).status, 0);
    const vbds = () => x.devices.sxprs('f1', 'vbd').map((d) => (d as Sxp[])[0]);
    // xend sees it at its next reading of xl list.
    await eventually(async () => x.host.list().some((d) => d.name === 'f1') && vbds().length > 0);
    assert.deepEqual(vbds(), ['51712']);
    assert.deepEqual(x.devices.sxprs('f1', 'vif').map((d) => childValue((d as Sxp[])[1] as Sxp, 'mac')), ['00:16:3e:00:00:0f']);
    const img = image(x, 'b.img');
    await x.devices.create('f1', ['vbd', ['uname', `file:${img}`], ['dev', 'xvdb'], ['mode', 'r']]);
    assert.deepEqual(vbds(), ['51712', '51728']);
    await x.devices.destroy('f1', 'vbd', 'xvda', false, true);
    assert.deepEqual(vbds(), ['51728']);
  });

  test('a CD-ROM drive is not hot-plugged: the refusal names the backend', async () => {
    const x = xenHost();
    await x.domains.create(vm('g1'));
    await assert.rejects(async () => x.devices.create('g1', ['vbd', ['uname', ''], ['dev', 'hdc:cdrom'], ['mode', 'r']]), /the xen backend cannot hot-plug a CD-ROM drive/);
  });
});

describe('CPU pools through xl cpupool-*', () => {
  const poolConfig = (name: string, sched: string, ncpu: number, ...cpus: number[]): Sxp => ['pool', ['name_label', name], ['sched_policy', sched], ['ncpu', ncpu], ['proposed_CPUs', ...cpus]];
  /** A pool's listing as xend answers it: its key → values. */
  const listed = (x: XenDomains, name: string) => {
    const [row] = x.pools.list([name]) as Sxp[][];
    return row ? new Map((row.slice(1) as Sxp[][]).map(([k, ...v]) => [String(k), v])) : undefined;
  };
  const poolCalls = (x: XenDomains) => x.fake.calls.filter((c) => c[0]!.startsWith('cpupool-') && c[0] !== 'cpupool-list');

  test('a pool made, given a CPU, a domain built in it (xl.cfg pool=), moved out, and the pool destroyed', async () => {
    const x = xenHost();
    assert.deepEqual(listed(x, 'Pool-0')!.get('host_CPU_numbers'), [0, 1]);
    await x.pools.cpuRemove('Pool-0', 1);
    await x.pools.create(poolConfig('p1', 'credit', 1, 1));
    assert.deepEqual(x.fake.pools.map((p) => [p.name, p.sched, p.cpus]), [['Pool-0', 'credit2', [0]], ['p1', 'credit', [1]]]);
    assert.deepEqual(listed(x, 'p1')!.get('host_CPU_numbers'), [1]);
    await x.domains.create(vm('g1', ['pool_name', 'p1']));
    assert.equal(x.fake.domains[0]!.pool, 'p1');
    assert.equal(x.domains.lookup('g1').cpuPool, 1);
    assert.deepEqual(listed(x, 'p1')!.get('started_VM_names'), ['g1']);
    await x.pools.migrate('g1', 'Pool-0', poolMembers(x.domains));
    assert.equal(x.fake.domains[0]!.pool, 'Pool-0');
    assert.equal(childValue(x.domains.domain('g1'), 'pool_name'), 'Pool-0');
    await x.pools.destroy('p1');
    assert.equal(listed(x, 'p1'), undefined);
    assert.deepEqual(x.fake.pools.map((p) => p.name), ['Pool-0']);
    assert.deepEqual(poolCalls(x), [
      ['cpupool-cpu-remove', 'Pool-0', '1'],
      ['cpupool-create', 'name="p1"', 'sched="credit"'],
      ['cpupool-cpu-add', 'p1', '1'],
      ['cpupool-migrate', String(x.domains.lookup('g1').domid), 'Pool-0'],
      ['cpupool-cpu-remove', 'p1', '1'],
      ['cpupool-destroy', 'p1'],
    ]);
  });

  test("xl's refusal fails the change: a domain cannot move into a pool without CPUs", async () => {
    const x = xenHost();
    await x.pools.create(poolConfig('empty', 'credit2', 0));
    await x.domains.create(vm('g1'));
    await assert.rejects(async () => x.pools.migrate('g1', 'empty', poolMembers(x.domains)), { message: 'could not move domain' });
    assert.equal(x.fake.domains[0]!.pool, 'Pool-0');
    assert.equal(childValue(x.domains.domain('g1'), 'pool_name'), 'Pool-0');
  });

  test('a CPU xl did not add (it ends well, saying why) fails the change with its words', async () => {
    const x = xenHost();
    await x.pools.cpuRemove('Pool-0', 1);
    await x.pools.create(poolConfig('p1', 'credit2', 0));
    // Behind xend's back, another pool takes the free CPU.
    for (const args of [['cpupool-create', 'name="other"'], ['cpupool-cpu-add', 'other', '1']]) assert.equal(spawnSync(x.fake.xl, args).status, 0);
    await assert.rejects(async () => x.pools.cpuAdd('p1', 1), {
      message: 'xl cpupool-cpu-add failed: Error moving cpu 1 to cpupool; some cpus may not have been added to p1',
    });
    assert.deepEqual(x.fake.pools.map((p) => [p.name, p.cpus]), [['Pool-0', [0]], ['p1', []], ['other', [1]]]);
  });

  test('the pools and their labels outlive xend', async () => {
    const x = xenHost();
    await x.pools.cpuRemove('Pool-0', 1);
    await x.pools.create(poolConfig('p1', 'credit2', 1));
    const uuid = listed(x, 'p1')!.get('uuid');
    x.host.close();
    const again = new XenDomains(x.fake, x.dir);
    open.push(again);
    assert.deepEqual(listed(again, 'p1')!.get('uuid'), uuid);
    assert.deepEqual(listed(again, 'p1')!.get('host_CPU_numbers'), [1]);
  });
});
