/**
 * Domains in flight: while a save or migration holds a domain, nothing else
 * changes it and its name stays taken; a migration that fails (or whose xend was
 * killed) gives it back its name and runs it as before. And record durability:
 * a change the disk refused is not made in memory either.
 *
 * A migration is held in a phase deterministically by a fake destination: it
 * answers `(ready receive)` and then stops reading (the sender blocks on a full
 * socket, the guest suspended when the migration is not live), or reads the whole
 * stream and never gives its verdict. Closing its connections makes the migration fail.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { TestXend, eventually } from '../helpers/xend.js';
import { allDomains, disposeXend, field, rpc, waitForNewWorker, workerPid, type Call } from './support.js';
import { fifoReader } from '../helpers/fifo.js';

/** Every fake destination's drop, so a failing test still lets its migrations end. */
const destinations: (() => void)[] = [];

/** A relocation server that takes a migration and holds it: `stall` stops reading, `swallow` never answers. */
async function holdingDestination(mode: 'stall' | 'swallow') {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.once('data', () => {
      s.write('(ready receive)\n');
      if (mode === 'stall') s.pause();
      else s.on('data', () => {});
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  /** The destination gives up: the migration fails. */
  const drop = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  destinations.push(drop);
  return { port: (server.address() as { port: number }).port, drop };
}

/** Starts `xm migrate` of `name` to the fake destination and waits until the migration reaches `phase`. */
async function holdMigration(x: TestXend, call: Call, name: string, mode: 'stall' | 'swallow', live: boolean) {
  const dst = await holdingDestination(mode);
  const uuid = String(field(await call('xend.domain', name), 'uuid'));
  const domid = String(field(await call('xend.domain', name), 'domid'));
  const migration = x.xmWith({ timeoutMs: 120_000 }, 'migrate', ...(live ? ['-l'] : []), '-p', String(dst.port), name, '127.0.0.1');
  const phase = mode === 'stall' && !live ? 'suspended' : 'waiting';
  await eventually(async () => ((await call('xend.domain.migrateProgress', uuid)) as { phase?: string } | null)?.phase === phase, 60_000);
  return { uuid, domid, migration, drop: dst.drop };
}

const row = async (x: TestXend, name: string) => (await x.xm('list', name)).stdout.split('\n')[1] ?? '';

describe('a domain in flight', () => {
  let x: TestXend;
  let call: Call;
  before(async () => {
    x = await TestXend.start();
    call = rpc(x);
  });
  after(async () => {
    for (const drop of destinations) drop();
    await disposeXend(x);
  });

  test('while a migration holds it suspended, every change is refused and its name stays taken; a failed migration gives both back', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=held', 'memory=64')).code, 0);
    assert.equal((await x.xm('create', '/dev/null', 'name=bystander', 'memory=16')).code, 0);
    const h = await holdMigration(x, call, 'held', 'stall', false);
    assert.match(await row(x, 'migrating-held'), /^migrating-held +\d+ +64 +1 +--p---/);
    const refused = /^Error: Domain held is being migrated to 127\.0\.0\.1; it cannot be changed until that ends\n/;
    const changes: string[][] = [
      ['unpause', h.domid],
      ['pause', h.domid],
      ['reset', h.domid],
      ['reboot', h.domid],
      ['shutdown', h.domid],
      ['mem-set', h.domid, '32'],
      ['mem-max', h.domid, '128'],
      ['vcpu-set', h.domid, '1'],
      ['vcpu-pin', h.domid, '0', '0'],
      ['sched-credit', '-d', h.domid, '-w', '512'],
      ['sysrq', h.domid, 's'],
      ['trigger', h.domid, 'nmi'],
      ['rename', 'migrating-held', 'elsewhere'],
      ['rename', h.uuid, 'elsewhere'],
      ['dump-core', h.domid, x.path('held.core')],
    ];
    for (const args of changes) {
      const r = await x.xm(...args);
      assert.equal(r.code, 1, `xm ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, refused, `xm ${args.join(' ')}`);
    }
    const again = await x.xm('save', h.domid, x.path('held.chk'));
    assert.match(again.stderr, /^Error: Domain migrating-held is already being saved or migrated\n/);
    // Its own name is taken while it travels as migrating-held: by a create, a rename, a new managed domain.
    assert.match((await x.xm('create', '/dev/null', 'name=held', 'memory=16')).stderr, new RegExp(`^Error: Domain 'held' already exists with ID '${h.domid}'\\n`));
    assert.match((await x.xm('rename', 'bystander', 'held')).stderr, new RegExp(`^Error: VM name 'held' already exists as domain ${h.domid}\\n`));
    x.writeFile('held.cfg', 'name = "held"\nmemory = 16\n');
    assert.match((await x.xm('new', x.path('held.cfg'))).stderr, new RegExp(`^Error: VM name 'held' already exists as domain ${h.domid}\\n`));
    assert.equal((await x.xm('list', 'held')).code, 3);
    assert.match(await row(x, 'migrating-held'), /^migrating-held +\d+ +64 +1 +--p---/, 'nothing about it changed');
    assert.equal(existsSync(x.path('held.core')), false);

    h.drop();
    const r = await h.migration;
    assert.equal(r.code, 1);
    const doms = await allDomains(call);
    assert.deepEqual(doms.filter((d) => d.uuid === h.uuid).map((d) => [d.name, d.paused]), [['held', false]], 'back under its name, running');
    assert.equal(doms.filter((d) => d.name === 'held').length, 1);
    assert.match(await row(x, 'bystander'), /^bystander /);
    // Free again: changes go through.
    assert.equal((await x.xm('rename', 'held', 'held2')).code, 0);
    assert.equal((await x.xm('destroy', 'held2')).code, 0);
    assert.equal((await x.xm('destroy', 'bystander')).code, 0);
  });

  test('while the destination holds the whole stream, a reset or a create of its name is refused (the guest would run twice)', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=sent', 'memory=32')).code, 0);
    const h = await holdMigration(x, call, 'sent', 'swallow', true);
    assert.match((await x.xm('reset', h.domid)).stderr, /^Error: Domain sent is being migrated to 127\.0\.0\.1; it cannot be changed until that ends\n/);
    assert.match((await x.xm('unpause', 'migrating-sent')).stderr, /^Error: Domain sent is being migrated/);
    assert.match((await x.xm('create', '/dev/null', 'name=sent', 'memory=16')).stderr, /^Error: Domain 'sent' already exists/);
    assert.match((await x.xm('destroy', h.domid)).stderr, /^Error: Domain sent is being migrated to 127\.0\.0\.1; it cannot be destroyed until the migration ends\n/);
    h.drop();
    assert.equal((await h.migration).code, 1);
    const doms = (await allDomains(call)).filter((d) => d.uuid === h.uuid || d.name === 'sent');
    assert.deepEqual(doms.map((d) => [d.name, d.domid, d.paused]), [['sent', Number(h.domid), false]]);
    assert.equal((await x.xm('destroy', 'sent')).code, 0);
  });

  test('a migration is refused when the name it travels under (migrating-NAME) is taken', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=twin', 'memory=16')).code, 0);
    assert.equal((await x.xm('create', '/dev/null', 'name=migrating-twin', 'memory=16')).code, 0);
    const other = (await x.xm('domid', 'migrating-twin')).stdout.trim();
    const dst = await holdingDestination('stall');
    const r = await x.xm('migrate', '-p', String(dst.port), 'twin', '127.0.0.1');
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], `Error: VM name 'migrating-twin' already exists as domain ${other}`);
    const names = (await allDomains(call)).map((d) => d.name);
    assert.deepEqual(names.filter((n) => n.endsWith('twin')).sort(), ['migrating-twin', 'twin']);
    assert.match(await row(x, 'twin'), /-b----/);
    for (const n of ['twin', 'migrating-twin']) assert.equal((await x.xm('destroy', n)).code, 0);
  });

  test('kill -9 of the worker mid-migration: the new worker gives the domain its name back and resumes it (a paused one stays paused)', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=orphan', 'memory=64')).code, 0);
    assert.equal((await x.xm('create', '-p', '/dev/null', 'name=sleeper', 'memory=64')).code, 0);
    const a = await holdMigration(x, call, 'orphan', 'stall', false);
    const b = await holdMigration(x, call, 'sleeper', 'stall', false);
    assert.match(await row(x, 'migrating-orphan'), /--p---/);
    const old = workerPid(x);
    process.kill(old, 'SIGKILL');
    await waitForNewWorker(x, old, 60_000);
    a.drop();
    b.drop();
    assert.notEqual((await a.migration).code, 0);
    assert.notEqual((await b.migration).code, 0);
    const doms = await allDomains(call);
    assert.deepEqual(doms.filter((d) => d.uuid === a.uuid).map((d) => [d.name, d.paused]), [['orphan', false]]);
    assert.deepEqual(doms.filter((d) => d.uuid === b.uuid).map((d) => [d.name, d.paused]), [['sleeper', true]]);
    assert.equal(doms.filter((d) => d.name.startsWith('migrating-')).length, 0);
    // Recovered once: another restart changes nothing.
    const second = workerPid(x);
    process.kill(second, 'SIGKILL');
    await waitForNewWorker(x, second, 60_000);
    assert.deepEqual((await allDomains(call)).filter((d) => d.uuid === a.uuid || d.uuid === b.uuid).map((d) => [d.name, d.paused]), [
      ['orphan', false],
      ['sleeper', true],
    ]);
  });

  test('kill -9 of the worker mid-save: the new worker runs the domain again under its name', async (t) => {
    assert.equal((await x.xm('create', '/dev/null', 'name=saving', 'memory=64')).code, 0);
    const fifo = x.path('saving.fifo');
    execFileSync('mkfifo', [fifo]);
    // A reader that takes the first bytes and no more: the save holds the domain, suspended.
    const { stream, release } = fifoReader(fifo);
    t.after(release);
    stream.once('data', () => stream.pause());
    const save = x.xmWith({ timeoutMs: 120_000 }, 'save', 'saving', fifo);
    await eventually(async () => /--p---/.test(await row(x, 'saving')), 60_000);
    assert.match((await x.xm('unpause', 'saving')).stderr, /^Error: Domain saving is being saved; it cannot be changed until that ends\n/);
    const old = workerPid(x);
    process.kill(old, 'SIGKILL');
    await waitForNewWorker(x, old, 60_000);
    assert.notEqual((await save).code, 0);
    assert.match(await row(x, 'saving'), /^saving +\d+ +64 +1 +-b----/);
    assert.equal((await x.xm('destroy', 'saving')).code, 0);
  });
});

describe('record durability', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start();
  });
  after(() => disposeXend(x));

  test('a record change the disk refuses (rename, mem-set, sched-credit, vcpu-pin) is not made, in memory or on disk, across a restart; stale temporaries go at start', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=steady', 'memory=16')).code, 0);
    const domid = (await x.xm('domid', 'steady')).stdout.trim();
    const records = x.path('var/lib/xend/state/sim/domains');
    // The record's temp file cannot be created: the write fails as on a full disk, deterministically (even for root).
    mkdirSync(`${records}/${domid}.json.tmp`);
    const r = await x.xm('rename', 'steady', 'moved');
    assert.equal(r.code, 1);
    assert.match(await row(x, 'steady'), /^steady /);
    assert.equal((await x.xm('list', 'moved')).code, 3);
    assert.match(r.stderr, /^Error: \[Errno 21\] Is a directory: '.*\.json\.tmp'\n/);
    // The same for the other record changes.
    assert.equal((await x.xm('mem-set', 'steady', '8')).code, 1);
    assert.equal((await x.xm('sched-credit', '-d', 'steady', '-w', '512')).code, 1);
    assert.equal((await x.xm('vcpu-pin', 'steady', '0', '0')).code, 1);
    assert.match(await row(x, 'steady'), /^steady +\d+ +16 +1 /);
    assert.match((await x.xm('sched-credit', '-d', 'steady')).stdout, /\b256\b/);
    assert.match((await x.xm('vcpu-list', 'steady')).stdout, /\bany cpu\b/);
    rmdirSync(`${records}/${domid}.json.tmp`);
    writeFileSync(`${records}/${domid}.json.tmp`, '');
    writeFileSync(`${records}/77.json.tmp`, '{"half":');
    assert.equal((await x.xend('restart')).code, 0);
    await eventually(async () => (await x.xm('list')).code === 0, 60_000);
    assert.match(await row(x, 'steady'), /^steady /);
    assert.equal((await x.xm('list', 'moved')).code, 3);
    assert.equal(existsSync(`${records}/${domid}.json.tmp`), false);
    assert.equal(existsSync(`${records}/77.json.tmp`), false);
    assert.equal((await x.xm('rename', 'steady', 'moved')).code, 0);
  });
});
