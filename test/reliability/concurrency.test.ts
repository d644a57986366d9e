/**
 * Concurrency: requests from many clients are validated and sequenced per
 * domain, so racing requests end in one clean outcome each, and `xm list` never
 * waits behind a long operation (a migration, a save to a slow reader).
 *
 * Latency bounds here are generous sanity limits (5 s), not benchmarks.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { TestXend, eventually } from '../helpers/xend.js';
import { startRelocationPair } from '../helpers/transports.js';
import { Rng, SEED, alive, allDomains, faultCode, field, report, rpc, sleep, workerPid, disposeXend, type Call } from './support.js';
import { fifoReader } from '../helpers/fifo.js';

/**
 * `xm list` (a real process) as long as `busy(lists so far)` holds; returns every
 * duration, for the report only. An xend that stopped answering fails runBin's bound.
 */
async function listLatencies(x: TestXend, busy: (done: number) => boolean): Promise<number[]> {
  const times: number[] = [];
  while (busy(times.length)) {
    const started = Date.now();
    const r = await x.xm('list');
    assert.equal(r.code, 0, r.stderr);
    times.push(Date.now() - started);
    await sleep(100);
  }
  return times;
}

describe('racing requests on one xend', () => {
  let x: TestXend;
  let call: Call;
  const rng = new Rng(SEED).fork(3);
  before(async () => {
    x = await TestXend.start();
    call = rpc(x);
  });
  after(() => disposeXend(x));

  test('two destroys: one succeeds, the other is fault 3 (XML-RPC) or exit 3 (xm)', async (t) => {
    let pairs = 0;
    for (let i = 0; i < 10; i++) {
      const name = `twice-${i}`;
      await call('xend.domain.create', ['vm', ['name', name], ['memory', 32]]);
      const by = rng.bool() ? name : String(field(await call('xend.domain', name, false), 'domid'));
      const results = await Promise.allSettled([call('xend.domain.destroy', name), call('xend.domain.destroy', by)]);
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      assert.equal(ok, 1, `${name}: exactly one destroy wins`);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(faultCode(lost.reason), 3, `${name}: the loser is told the domain does not exist (${String(lost.reason)})`);
      pairs++;
    }
    assert.equal((await x.xm('create', '-q', '/dev/null', 'name=twice-xm', 'memory=32')).code, 0);
    const both = await Promise.all([x.xm('destroy', 'twice-xm'), x.xm('destroy', 'twice-xm')]);
    assert.deepEqual(both.map((r) => r.code).sort(), [0, 3]);
    assert.equal(both.find((r) => r.code === 3)!.stderr, "Error: Domain 'twice-xm' does not exist.\n");
    report(t, 'concurrency destroy/destroy', { pairs: pairs + 1, clean: pairs + 1 });
  });

  test('a rename racing a create of the same name: exactly one wins, the other is a clean fault', async (t) => {
    for (let i = 0; i < 10; i++) {
      const old = `old-${i}`;
      const target = `target-${i}`;
      await call('xend.domain.create', ['vm', ['name', old], ['memory', 32]]);
      const rename = () => call('xend.domain.setName', old, target);
      const create = () => call('xend.domain.create', ['vm', ['name', target], ['memory', 32]]);
      const results = await Promise.allSettled(i % 2 ? [rename(), create()] : [create(), rename()]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, `${target}: one winner`);
      const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.equal(faultCode(lost.reason), 2, String(lost.reason));
      assert.match(String((lost.reason as Error).message), /already exists/);
      const names = (await allDomains(call)).map((d) => d.name);
      assert.equal(names.filter((n) => n === target).length, 1, `${target} exists exactly once`);
    }
    // Two renames to one name: one wins.
    await call('xend.domain.create', ['vm', ['name', 'left'], ['memory', 32]]);
    await call('xend.domain.create', ['vm', ['name', 'right'], ['memory', 32]]);
    const renames = await Promise.all([x.xm('rename', 'left', 'middle'), x.xm('rename', 'right', 'middle')]);
    assert.deepEqual(renames.map((r) => r.code).sort(), [0, 1]);
    assert.match(renames.find((r) => r.code === 1)!.stderr, /^Error: VM name 'middle' already exists as domain \d+\n$/);
    assert.equal((await allDomains(call)).filter((d) => d.name === 'middle').length, 1);
    report(t, 'concurrency rename/create', { races: 11, clean: 11 });
  });

  test('pause/unpause storms from many clients: every request answered, the domain ends in a state one of them set', async () => {
    await call('xend.domain.create', ['vm', ['name', 'storm'], ['memory', 32]]);
    const ops = Array.from({ length: 60 }, (_, i) => call(i % 2 ? 'xend.domain.pause' : 'xend.domain.unpause', 'storm'));
    const results = await Promise.allSettled(ops);
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    const state = String(field(await call('xend.domain', 'storm', false), 'state'));
    assert.match(state, /^-b----$|^--p---$/);
  });

  test('a renamed domain keeps its name when it reboots, and a reboot never duplicates a name', async () => {
    await call('xend.domain.create', ['vm', ['name', 'first'], ['memory', 32]]);
    await call('xend.domain.unpause', 'first');
    await call('xend.domain.setName', 'first', 'second');
    const domid = Number(field(await call('xend.domain', 'second', false), 'domid'));
    await call('xend.domain.create', ['vm', ['name', 'first'], ['memory', 32]]);
    await call('xend.domain.shutdown', 'second', 'reboot');
    // The reboot is done when the old domid is gone and a new one runs.
    await eventually(async () => !(await allDomains(call)).some((d) => d.domid === domid));
    await sleep(300);
    const names = (await allDomains(call)).map((d) => d.name);
    assert.equal(names.filter((n) => n === 'first').length, 1, `names after the reboot: ${names.join(' ')}`);
    assert.equal(names.filter((n) => n === 'second').length, 1, `names after the reboot: ${names.join(' ')}`);
  });

  test('xm list is answered while a save writes into a reader that does not read', { timeout: 300_000 }, async (t) => {
    await call('xend.domain.create', ['vm', ['name', 'slowsave'], ['memory', 256]]);
    const fifo = x.path('slow.fifo');
    execFileSync('mkfifo', [fifo]);
    // The reader takes nothing until xm list has been answered three times: a save that
    // blocked xend on the full pipe would leave those lists unanswered (runBin's bound fails them).
    const { stream: reader, release } = fifoReader(fifo);
    t.after(release);
    reader.pause();
    const drained = new Promise<number>((resolve) => {
      let bytes = 0;
      reader.on('data', (d: Buffer | string) => (bytes += d.length));
      reader.on('close', () => resolve(bytes));
      reader.on('error', () => resolve(bytes));
    });
    let saving = true;
    // Whether the save itself succeeds into a FIFO is the next test's business.
    const save = call('xend.domain.save', 'slowsave', fifo, false).then(
      () => 'ok',
      (err: Error) => err.message,
    );
    void save.finally(() => (saving = false));
    const latencies = await listLatencies(x, (done) => saving && done < 3);
    assert.ok(saving, 'the save was still waiting on its reader');
    reader.resume();
    await save;
    const bytes = await drained;
    report(t, 'concurrency list-during-stalled-save', { lists: latencies.length, max_ms: Math.max(...latencies), bytes_saved: bytes });
    assert.equal(latencies.length, 3, 'xm list was answered while the save could not go on');
    assert.ok(bytes > 256 << 20, 'the whole image went through');
  });

  test('a destroy during a save wins: the save fails cleanly and the domain is gone', { timeout: 300_000 }, async (t) => {
    await call('xend.domain.create', ['vm', ['name', 'doomed'], ['memory', 256]]);
    const fifo = x.path('doomed.fifo');
    execFileSync('mkfifo', [fifo]);
    // A slow reader keeps the save going long enough to destroy the domain under it.
    const { stream: reader, release } = fifoReader(fifo);
    t.after(release);
    reader.on('data', () => {
      reader.pause();
      setTimeout(() => reader.resume(), 20);
    });
    const save = call('xend.domain.save', 'doomed', fifo, false).then(
      () => 'ok',
      (err: Error) => err.message,
    );
    await sleep(300);
    await assert.rejects(call('xend.domain.save', 'doomed', x.path('second.chk'), false), /Domain doomed is already being saved or migrated/, 'one save at a time');
    await call('xend.domain.destroy', 'doomed');
    assert.match(await save, /Domain doomed was destroyed while it was being saved/);
    assert.equal((await x.xm('list', 'doomed')).code, 3, 'the domain is gone');
    const out = x.path('doomed.chk');
    // And a later save of another domain is unaffected.
    await call('xend.domain.create', ['vm', ['name', 'after'], ['memory', 32]]);
    await call('xend.domain.save', 'after', out, false);
    assert.ok(statSync(out).size > 32 << 20);
  });

  test('a save into a FIFO (a pipe to a compressor, say) succeeds', { timeout: 300_000 }, async (t) => {
    await call('xend.domain.create', ['vm', ['name', 'piped'], ['memory', 32]]);
    const fifo = x.path('piped.fifo');
    execFileSync('mkfifo', [fifo]);
    const { stream: reader, release } = fifoReader(fifo);
    t.after(release);
    let bytes = 0;
    reader.on('data', (d: Buffer | string) => (bytes += d.length));
    const closed = new Promise<void>((r) => reader.on('close', () => r()));
    await call('xend.domain.save', 'piped', fifo, false);
    await closed;
    assert.ok(bytes > 32 << 20, `${bytes} bytes came through the pipe`);
    assert.equal((await allDomains(call)).some((d) => d.name === 'piped'), false, 'a saved domain is gone');
  });

  test('saves into FIFOs nobody reads are refused at once and do not wedge later saves', async () => {
    const refusals: Promise<string>[] = [];
    for (let i = 0; i < 4; i++) {
      await call('xend.domain.create', ['vm', ['name', `stuck-${i}`], ['memory', 32]]);
      execFileSync('mkfifo', [x.path(`stuck-${i}.fifo`)]);
      refusals.push(call('xend.domain.save', `stuck-${i}`, x.path(`stuck-${i}.fifo`), false).then(() => 'saved', (err: Error) => err.message));
    }
    for (const r of await Promise.all(refusals)) assert.match(r, /nothing reads the pipe/);
    await call('xend.domain.create', ['vm', ['name', 'free'], ['memory', 32]]);
    const started = Date.now();
    const saved = await Promise.race([call('xend.domain.save', 'free', x.path('free.chk'), false).then(() => 'saved'), sleep(10_000).then(() => 'stuck')]);
    assert.equal(saved, 'saved', `a save to a regular file waited ${Date.now() - started} ms`);
  });
});

describe('concurrent save/restore cycles', () => {
  test('six clients saving and restoring at once, two more churning connections: no errors, the worker survives', async (t) => {
    const x = await TestXend.start();
    try {
      const pid = workerPid(x);
      const errors: string[] = [];
      let cycles = 0;
      const until = Date.now() + 10_000;
      const cyclers = Array.from({ length: 6 }, async (_, id) => {
        const call = rpc(x);
        for (let n = 0; Date.now() < until && errors.length === 0; n++) {
          const name = `cycle-${id}-${n}`;
          const file = x.path(`${name}.chk`);
          try {
            await call('xend.domain.create', ['vm', ['name', name], ['memory', 16]]);
            await call('xend.domain.save', name, file, false);
            await call('xend.domain.restore', file, false);
            await call('xend.domain.destroy', name);
            cycles++;
          } catch (err) {
            errors.push(`${name}: ${(err as Error).message}`);
          }
        }
      });
      // Other clients open and close connections meanwhile, as on any busy host.
      const churn = Array.from({ length: 2 }, async () => {
        const call = rpc(x);
        while (Date.now() < until && errors.length === 0 && alive(pid)) await call('xend.domains_with_state', true, 'all', false).catch(() => {});
      });
      await Promise.all([...cyclers, ...churn]);
      report(t, 'concurrency save/restore', { cycles, errors: errors.length, worker_alive: alive(pid) });
      assert.deepEqual(errors, []);
      assert.ok(alive(pid) && workerPid(x) === pid, 'the same worker is still serving');
    } finally {
      await disposeXend(x);
    }
  });
});

describe('racing requests across two xends (relocation)', () => {
  let src: TestXend;
  let dst: TestXend;
  let port: number;
  before(async () => {
    ({ src, dst, port } = await startRelocationPair());
  });
  after(async () => {
    await disposeXend(src);
    await disposeXend(dst);
  });

  /** Migrates `name` and destroys it (by uuid: it is `migrating-<name>` meanwhile) once copying started. */
  async function destroyDuringMigration(name: string, live: boolean) {
    const s = rpc(src);
    const d = rpc(dst);
    assert.equal((await src.xm('create', '-q', '/dev/null', `name=${name}`, 'memory=1024')).code, 0);
    const uuid = String(field(await s('xend.domain', name, false), 'uuid'));
    const migrate = s('xend.domain.migrate', name, '127.0.0.1', live, port);
    await eventually(async () => {
      const p = (await s('xend.domain.migrateProgress', uuid)) as { phase?: string; bytesSent?: number } | null;
      return p !== null && p.phase !== 'connecting' && (p.bytesSent ?? 0) > 0;
    });
    const [destroyed, migrated] = await Promise.allSettled([s('xend.domain.destroy', uuid), migrate]);
    // Let the destination finish with whatever it received.
    await sleep(1500);
    const here = (await allDomains(s)).filter((x) => x.uuid === uuid || x.name === name || x.name === `migrating-${name}`);
    const there = (await allDomains(d)).filter((x) => x.name === name);
    return {
      destroyOk: destroyed.status === 'fulfilled',
      migrateOk: migrated.status === 'fulfilled',
      migrateError: migrated.status === 'rejected' ? String((migrated.reason as Error).message) : '',
      here: here.length,
      there: there.length,
    };
  }

  const clean = (o: { destroyOk: boolean; migrateOk: boolean; here: number; there: number }) =>
    (o.destroyOk && !o.migrateOk && o.here === 0 && o.there === 0) || (!o.destroyOk && o.migrateOk && o.here === 0 && o.there === 1);

  test('a destroy racing a live migration: one clean outcome', async (t) => {
    const o = await destroyDuringMigration('racer-live', true);
    report(t, 'concurrency destroy/migrate live', o);
    assert.ok(clean(o), `outcome ${JSON.stringify(o)}`);
  });

  test('a destroy racing a non-live migration: one clean outcome', async (t) => {
    const o = await destroyDuringMigration('racer-still', false);
    report(t, 'concurrency destroy/migrate non-live', o);
    assert.ok(clean(o), `outcome ${JSON.stringify(o)}`);
  });

  test('xm list is answered on both ends while a 2 GiB guest migrates', async (t) => {
    assert.equal((await src.xm('create', '-q', '/dev/null', 'name=huge', 'memory=2048', 'maxmem=2048')).code, 0);
    let migrating = true;
    const started = Date.now();
    const migration = src.xmWith({ timeoutMs: 120_000 }, 'migrate', '-l', '-p', String(port), 'huge', '127.0.0.1').finally(() => (migrating = false));
    const [atSrc, atDst] = await Promise.all([listLatencies(src, () => migrating), listLatencies(dst, () => migrating)]);
    const r = await migration;
    assert.equal(r.code, 0, r.stderr);
    const all = [...atSrc, ...atDst];
    report(t, 'concurrency list-during-migration', { migration_ms: Date.now() - started, lists: all.length, max_ms: Math.max(...all) });
    assert.ok(atSrc.length >= 2 && atDst.length >= 2, 'xm list ran on both ends during the migration');
    assert.equal((await dst.xm('list', 'huge')).code, 0);
  });
});
