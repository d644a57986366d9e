// The xen backend (src/hypervisor/xen/host.ts) under xend's services, on a fake xl
// (test/helpers/fake-xl.ts): what xl is asked, in which order, and that xend
// goes on serving while xl works.
import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
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
  readonly dir = mkdtempSync(join(tmpdir(), 'xend-xen-'));
  readonly host: XenHost;
  readonly domains: DomainService;
  readonly checkpoints: CheckpointService;
  private readonly relay = shutdownRelay(() => this.domains);
  /** Resolves once xend acted on the next shutdown the host reports. */
  readonly acted = this.relay.acted;

  constructor(readonly fake: FakeXen) {
    starting = true;
    try {
      this.host = new XenHost({ stateDir: join(this.dir, 'state'), xlBinary: fake.xl, log: quiet, events: this.relay.events });
    } finally {
      starting = false;
    }
    this.domains = new DomainService(this.host, { enabled: false, dom0MinMiB: 0 }, quiet);
    this.checkpoints = testCheckpoints(this.domains, this.dir);
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

  test('xl dmesg and the scheduler are asked without holding xend, and answered', async () => {
    const x = xenHost();
    assert.equal(await x.host.dmesg(), '(XEN) Xen version 4.17.7 (fake)\n');
    await x.domains.create(vm('g1'));
    assert.equal(await x.domains.schedCreditSet('g1', 512, 10), 0);
    assert.deepEqual(x.fake.calls.find((c) => c[0] === 'sched-credit2' && c.length > 1), ['sched-credit2', '-d', '1', '-w', '512', '-c', '10']);
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

  test('--live is refused before anything moves: the domain runs on, under its name', async () => {
    const src = xenHost();
    await src.domains.create(vm('g1'));
    await assert.rejects(
      () => src.checkpoints.migrate('g1', '127.0.0.1', true, 1, false, false),
      { message: 'The xen hypervisor backend cannot migrate a domain live; without --live it is paused while its state is copied' },
    );
    assert.deepEqual(verbs(src, 'save', 'rename'), []);
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
    await eventually(async () => src.fake.domains[0]?.name === 'g1' && src.fake.domains[0]?.state === '-b----');
  });
});
