/**
 * Crash safety: nothing xend acknowledged is lost, nothing is half-applied, and
 * nothing unacknowledged appears twice.
 *
 * 1. Chaos: the xend worker is SIGKILLed at seeded random moments while several
 *    clients (direct XML-RPC and real xm processes) create, rename, pause,
 *    shut down and destroy their own domains. Each client keeps a model of what
 *    xend acknowledged; after every lost request it waits for the monitor's new
 *    worker and reconciles (the request either happened or did not, never half);
 *    at the end everything is compared with xend's list.
 * 2. Crash points: the same kind of operations in-process against the sim
 *    backend, with the "disk" frozen after each of the N durable writes in turn
 *    (exactly what a SIGKILL at that moment leaves), then recovered as xend's
 *    start does. Every crash point is tried, not a random sample.
 *
 * Knobs: CRASH_FAULTS (SIGKILLs, default 6), CRASH_CLIENTS (default 4, one of
 * them xm), RELIABILITY_SEED.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestXend, eventually } from '../helpers/xend.js';
import { DurableDir } from '../../src/store/durable.js';
import { GuestMemory } from '../../src/hypervisor/sim/memory.js';
import { SimHost } from '../../src/hypervisor/sim/host.js';
import { DomainService } from '../../src/daemon/domains.js';
import { RestartJournal } from '../../src/daemon/restart-journal.js';
import type { Logger } from '../../src/daemon/log.js';
import type { Sxp } from '../../src/sxp/types.js';
import {
  Rng,
  SEED,
  alive,
  allDomains,
  faultCode,
  field,
  isConnectionLoss,
  knob,
  report,
  rpc,
  sleep,
  waitForNewWorker,
  waitForXend,
  workerPid,
  disposeXend,
  type Call,
} from './support.js';

const FAULTS = knob('CRASH_FAULTS', 6);
const CLIENTS = Math.max(1, knob('CRASH_CLIENTS', 4));
/** Live domains a client keeps at most (each takes 32 MiB of the 7 GiB the sim host has free). */
const MAX_LIVE = 6;

type Fate = 'live' | 'shutdown' | 'destroyed' | 'dropped';

interface ModelDomain {
  uuid: string;
  name: string;
  paused: boolean;
  fate: Fate;
}

interface Stats {
  attempted: number;
  acknowledged: number;
  inDoubt: number;
  reconciled: number;
  /** Refusals that were not connection losses: the model or xend is wrong. */
  unexpected: string[];
  /** Half-applied or lost operations seen while reconciling. */
  violations: string[];
}

type Op =
  | { kind: 'create'; dom: ModelDomain }
  | { kind: 'rename'; dom: ModelDomain; to: string }
  | { kind: 'pause' | 'unpause' | 'shutdown' | 'destroy'; dom: ModelDomain };

function describeOp(op: Op): string {
  return op.kind === 'rename' ? `rename ${op.dom.name} -> ${op.to}` : `${op.kind} ${op.dom.name}`;
}

/** The record of a domain by uuid, or null when xend does not know it. */
async function lookup(call: Call, uuid: string): Promise<{ name: string; paused: boolean; uuid: string } | null> {
  try {
    const r = await call('xend.domain', uuid, false);
    const state = String(field(r, 'state'));
    return { name: String(field(r, 'name')), uuid: String(field(r, 'uuid')), paused: state[2] === 'p' };
  } catch (err) {
    if (faultCode(err) === 3) return null;
    throw err;
  }
}

/** Runs `f` until it completes without losing the connection, waiting for xend between attempts. */
async function persist<T>(x: TestXend, f: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await f();
    } catch (err) {
      if (!isConnectionLoss(err)) throw err;
      await waitForXend(x, 30_000);
    }
  }
}

class ChaosClient {
  readonly doms: ModelDomain[] = [];
  private seq = 0;
  private readonly call: Call;

  constructor(
    readonly id: number,
    private readonly x: TestXend,
    private readonly rng: Rng,
    private readonly useXm: boolean,
    private readonly stats: Stats,
  ) {
    this.call = rpc(x);
  }

  private freshName(): string {
    return `c${this.id}-${this.useXm ? 'xm' : 'rpc'}-${++this.seq}`;
  }

  private nextOp(): Op {
    const live = this.doms.filter((d) => d.fate === 'live');
    if (live.length < 2 || (live.length < MAX_LIVE && this.rng.bool(0.3))) {
      return { kind: 'create', dom: { uuid: this.rng.uuid(), name: this.freshName(), paused: !this.useXm, fate: 'live' } };
    }
    const dom = this.rng.pick(live);
    const kind = this.rng.pick(['rename', 'rename', 'pause', 'pause', 'shutdown', 'destroy'] as const);
    if (kind === 'rename') return { kind, dom, to: this.freshName() };
    if (kind === 'pause') return { kind: dom.paused ? 'unpause' : 'pause', dom };
    // A paused guest cannot act on a shutdown request (it would wait, rightly, until unpaused).
    if (kind === 'shutdown' && dom.paused) return { kind: 'unpause', dom };
    return { kind, dom };
  }

  /** Performs an op; resolves on acknowledgement, rejects with the error otherwise. */
  private async perform(op: Op): Promise<void> {
    const { dom } = op;
    if (this.useXm) {
      const args =
        op.kind === 'create'
          ? ['create', '-q', '/dev/null', `name=${dom.name}`, `uuid=${dom.uuid}`, 'memory=32']
          : op.kind === 'rename'
            ? ['rename', dom.name, op.to]
            : [op.kind, dom.name];
      const r = await this.x.xm(...args);
      if (r.code !== 0) {
        // xm's own wording when the unpause after a create fails (it does not say why: here, xend died).
        const lost = /Unable to connect|reset|hang up|probably crashed|closed|EPIPE|ECONNREFUSED|No such file|Failed to unpause domain|Device creation failed/i.test(r.stderr);
        throw Object.assign(new Error(r.stderr.trim() || `exit ${r.code}`), { lost });
      }
      return;
    }
    switch (op.kind) {
      case 'create':
        await this.call('xend.domain.create', ['vm', ['name', dom.name], ['uuid', dom.uuid], ['memory', 32]]);
        return;
      case 'rename':
        await this.call('xend.domain.setName', dom.name, op.to);
        return;
      case 'shutdown':
        await this.call('xend.domain.shutdown', dom.name, 'poweroff');
        return;
      default:
        await this.call(`xend.domain.${op.kind}`, dom.name);
    }
  }

  private apply(op: Op): void {
    switch (op.kind) {
      case 'create':
        this.doms.push(op.dom);
        return;
      case 'rename':
        op.dom.name = op.to;
        return;
      case 'pause':
        op.dom.paused = true;
        return;
      case 'unpause':
        op.dom.paused = false;
        return;
      case 'shutdown':
        op.dom.fate = 'shutdown';
        return;
      case 'destroy':
        op.dom.fate = 'destroyed';
    }
  }

  /** After a request whose answer was lost: it happened entirely or not at all. */
  private async reconcile(op: Op): Promise<void> {
    const { dom } = op;
    const seen = await persist(this.x, () => lookup(this.call, dom.uuid));
    const where = `client ${this.id}, ${describeOp(op)}`;
    switch (op.kind) {
      case 'create':
        if (!seen) {
          dom.fate = 'dropped';
          this.doms.push(dom);
          return;
        }
        if (seen.name !== dom.name) this.stats.violations.push(`${where}: created under another name ${seen.name}`);
        dom.paused = seen.paused;
        this.doms.push(dom);
        return;
      case 'rename':
        if (!seen) {
          this.stats.violations.push(`${where}: the domain is gone`);
          dom.fate = 'dropped';
          return;
        }
        if (seen.name !== dom.name && seen.name !== op.to) this.stats.violations.push(`${where}: half-applied, now named ${seen.name}`);
        dom.name = seen.name;
        return;
      case 'pause':
      case 'unpause':
        if (!seen) {
          this.stats.violations.push(`${where}: the domain is gone`);
          dom.fate = 'dropped';
          return;
        }
        dom.paused = seen.paused;
        return;
      case 'shutdown':
      case 'destroy':
        // Repeat the request until it is acknowledged or the domain is gone: what an administrator does.
        for (;;) {
          const now = await persist(this.x, () => lookup(this.call, dom.uuid));
          if (!now) break;
          try {
            await (op.kind === 'shutdown' ? this.call('xend.domain.shutdown', dom.uuid, 'poweroff') : this.call('xend.domain.destroy', dom.uuid));
            break;
          } catch (err) {
            if (faultCode(err) === 3) break;
            if (faultCode(err) === 2 && op.kind === 'shutdown') break; // already shutting down
            if (!isConnectionLoss(err)) throw err;
            await waitForXend(this.x, 30_000);
          }
        }
        dom.fate = op.kind === 'shutdown' ? 'shutdown' : 'destroyed';
    }
  }

  async run(stop: () => boolean): Promise<void> {
    while (!stop()) {
      const op = this.nextOp();
      this.stats.attempted++;
      try {
        await this.perform(op);
        this.stats.acknowledged++;
        this.apply(op);
      } catch (err) {
        const lost = this.useXm ? (err as { lost?: boolean }).lost === true : isConnectionLoss(err);
        if (!lost) this.stats.unexpected.push(`client ${this.id}, ${describeOp(op)}: ${(err as Error).message}`);
        this.stats.inDoubt++;
        await waitForXend(this.x, 30_000);
        await this.reconcile(op);
        this.stats.reconciled++;
      }
    }
  }
}

describe('SIGKILL of the worker under concurrent load', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('', { XEND_SIM_SHUTDOWN_MS: '200' });
  });
  after(() => disposeXend(x));

  test(`every acknowledged operation survives ${FAULTS} SIGKILLs (seed ${SEED})`, { timeout: 120_000 + FAULTS * 5000 }, async (t) => {
    const rng = new Rng(SEED).fork(1);
    const stats: Stats = { attempted: 0, acknowledged: 0, inDoubt: 0, reconciled: 0, unexpected: [], violations: [] };
    const clients = Array.from({ length: CLIENTS }, (_, i) => new ChaosClient(i, x, rng.fork(10 + i), i === CLIENTS - 1 && CLIENTS > 1, stats));
    let stopping = false;
    const running = clients.map((c) => c.run(() => stopping));

    const faultRng = rng.fork(2);
    let faults = 0;
    const pids: number[] = [workerPid(x)];
    try {
      for (let i = 0; i < FAULTS; i++) {
        await sleep(faultRng.range(150, 900));
        const pid = workerPid(x);
        process.kill(pid, 'SIGKILL');
        faults++;
        pids.push(await waitForNewWorker(x, pid));
      }
    } finally {
      stopping = true;
      await Promise.all(running);
    }
    // One more with the clients at rest: recovery must reproduce exactly the final model.
    const last = workerPid(x);
    process.kill(last, 'SIGKILL');
    faults++;
    await waitForNewWorker(x, last);

    const call = rpc(x);
    const all = clients.flatMap((c) => c.doms);
    // Acknowledged shutdowns finish after the restart (on_poweroff=destroy takes the domain away).
    await eventually(async () => {
      const present = new Set((await allDomains(call)).map((d) => d.uuid));
      return all.every((d) => d.fate !== 'shutdown' || !present.has(d.uuid));
    }, 15_000).catch(() => {});

    const listed = await allDomains(call);
    const byUuid = new Map<string, typeof listed>();
    for (const d of listed) byUuid.set(d.uuid, [...(byUuid.get(d.uuid) ?? []), d]);
    const lost: string[] = [];
    const wrong: string[] = [...stats.violations];
    for (const d of all) {
      const found = byUuid.get(d.uuid) ?? [];
      if (d.fate === 'live') {
        if (found.length === 0) lost.push(`${d.name} (${d.uuid}) was acknowledged but is gone`);
        else if (found[0]!.name !== d.name) lost.push(`${d.uuid}: acknowledged name ${d.name}, xend has ${found[0]!.name}`);
        else if (found[0]!.paused !== d.paused) lost.push(`${d.name}: acknowledged ${d.paused ? 'paused' : 'running'}, xend has ${found[0]!.state}`);
      } else if (found.length > 0) {
        wrong.push(`${d.name} (${d.fate}) is back: ${found.map((f) => `${f.name} ${f.state}`).join(', ')}`);
      }
      if (found.length > 1) wrong.push(`${d.uuid} appears ${found.length} times`);
    }
    const known = new Set(all.map((d) => d.uuid));
    for (const d of listed) if (d.domid !== 0 && !known.has(d.uuid)) wrong.push(`unexpected domain ${d.name} (${d.uuid})`);
    const names = listed.map((d) => d.name);
    for (const n of new Set(names)) if (names.filter((m) => m === n).length > 1) wrong.push(`name ${n} is used twice`);

    const restarts = (readFileSync(x.path('var/log/xen/xend-debug.log'), 'utf8').match(/Xend died due to signal 9!  Restarting it\./g) ?? []).length;
    report(t, 'crash', {
      seed: SEED,
      clients: CLIENTS,
      faults_injected: faults,
      monitor_restarts: restarts,
      ops_attempted: stats.attempted,
      ops_acknowledged: stats.acknowledged,
      ops_in_doubt: stats.inDoubt,
      ops_lost: lost.length,
      half_applied_or_duplicated: wrong.length,
      domains_at_end: listed.length - 1,
    });
    assert.deepEqual(stats.unexpected, [], 'every refusal was a lost connection');
    assert.deepEqual(lost, [], 'no acknowledged operation is lost');
    assert.deepEqual(wrong, [], 'nothing half-applied, nothing unacknowledged twice');
    assert.equal(restarts, faults, 'the monitor logged each restart');
    assert.ok(stats.acknowledged > FAULTS, `enough work was done (${stats.acknowledged} acknowledged)`);
  });
});

describe('the monitor', () => {
  test('xend stop while the monitor is restarting a killed worker stops xend for good', async () => {
    const x = await TestXend.start();
    try {
      const pid = workerPid(x);
      const monitor = Number(JSON.parse(readFileSync(x.path('var/run/xend/status.json'), 'utf8')).monitorPid);
      process.kill(pid, 'SIGKILL');
      await sleep(50);
      assert.equal((await x.xend('stop')).code, 0);
      // Once the monitor is gone nothing can start a worker again: then xend must be down.
      await eventually(async () => !alive(monitor));
      assert.equal((await x.xend('status')).code, 3, 'xend is not running after xend stop');
    } finally {
      await disposeXend(x);
    }
  });
});

describe('recovery from state xend cannot use', () => {
  test('a create with maxmem far beyond the host is refused, and xend still restarts', async () => {
    const x = await TestXend.start();
    try {
      const r = await x.xm('create', '/dev/null', 'name=huge', 'memory=64', 'maxmem=100000000');
      const restart = await x.xend('restart');
      assert.equal(restart.code, 0, `xend restarts: ${restart.stderr}`);
      assert.equal(r.code, 1, 'the create is refused');
      assert.equal((await x.xm('list', 'huge')).code, 3, 'and leaves nothing behind');
    } finally {
      await disposeXend(x);
    }
  });

  test('a corrupt domain record is set aside with an error in the log; xend starts and keeps the other domains', async () => {
    const x = await TestXend.start();
    try {
      assert.equal((await x.xm('create', '-q', '/dev/null', 'name=fine', 'memory=32')).code, 0);
      await x.xend('stop');
      writeFileSync(x.path('var/lib/xend/state/sim/domains/77.json'), '{"domid":77,"na');
      const start = await x.xend('start');
      assert.equal(start.code, 0, `xend starts: ${start.stderr}`);
      assert.equal((await x.xm('list', 'fine')).code, 0);
      assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /ERROR .*77/);
    } finally {
      await disposeXend(x);
    }
  });
});

// ---------------------------------------------------------------------------
// Crash points: freeze the "disk" after each durable write in turn.

/** How many durable writes reach the disk before the simulated SIGKILL; Infinity = no crash. */
const disk = { budget: Infinity, writes: 0, crashed: false, tornDir: '' as string | null };

function consume(): boolean {
  if (disk.budget <= 0) {
    disk.crashed = true;
    return false;
  }
  disk.budget--;
  disk.writes++;
  return true;
}

{
  const write = DurableDir.prototype.write;
  const remove = DurableDir.prototype.remove;
  DurableDir.prototype.write = function (this: DurableDir<unknown>, key: string, value: unknown) {
    if (consume()) return write.call(this, key, value);
    // The write the kill interrupted: a torn temp file is all it left.
    if (disk.tornDir === null) {
      disk.tornDir = this.dir;
      writeFileSync(join(this.dir, `${key}.json.tmp`), JSON.stringify(value).slice(0, 7));
    }
  };
  DurableDir.prototype.remove = function (this: DurableDir<unknown>, key: string) {
    if (consume()) remove.call(this, key);
  };
  const persistMem = GuestMemory.prototype.persist;
  GuestMemory.prototype.persist = function (this: GuestMemory, path: string) {
    if (consume()) persistMem.call(this, path);
  };
  const removeMem = GuestMemory.remove;
  GuestMemory.remove = (path: string) => {
    if (consume()) removeMem(path);
  };
}

const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {}, critical() {} };

/** A sim host and xend's registry on it; `settled` resolves once xend acted on every shutdown so far. */
function openHost(stateDir: string): { hv: SimHost; domains: DomainService; settled: () => Promise<unknown> } {
  let domains: DomainService | undefined;
  const acting: Promise<void>[] = [];
  const hv = new SimHost({
    stateDir,
    cpus: 4,
    memoryMiB: 8192,
    dom0MemoryMiB: 1024,
    dom0Cpus: 0,
    shutdownDelayMs: 60_000,
    events: { onShutdown: (id, reason) => void (domains && acting.push(domains.onShutdown(id, reason))), onConsoleOutput: () => {} },
    log: quiet,
  });
  domains = new DomainService(hv, { enabled: false, dom0MinMiB: 0 }, quiet, undefined, { journal: new RestartJournal(join(stateDir, 'restarts')) });
  return { hv, domains, settled: () => Promise.all(acting) };
}

/** What a model or a recovered host holds: name → state, the identity the user sees. */
type Snapshot = Map<string, 'running' | 'paused' | 'crashed'>;

function snapshotOf(domains: DomainService): Snapshot {
  const s: Snapshot = new Map();
  for (const r of domains.domainsWithState(true, 'all', false) as Sxp[][]) {
    const name = String(field(r, 'name'));
    if (name === 'Domain-0') continue;
    const state = String(field(r, 'state'));
    const v = state[4] === 'c' ? 'crashed' : state[2] === 'p' ? 'paused' : 'running';
    // A name twice is itself the failure: keep both visible.
    s.set(s.has(name) ? `${name} (twice)` : name, v);
  }
  return s;
}

const show = (s: Snapshot) => [...s].sort().map(([k, v]) => `${k}:${v}`).join(' ');

interface Step {
  what: string;
  run(d: DomainService): unknown;
  /** The model after the step. */
  model(s: Snapshot): void;
}

const vm = (name: string, extra: Sxp[] = []): Sxp => ['vm', ['name', name], ['memory', 32], ...extra];

/** A scenario of acknowledged operations, each a function of the model. */
function scenario(kind: 'basic' | 'restart' | 'rename-restart'): Step[] {
  const steps: Step[] = [];
  const add = (what: string, run: (d: DomainService) => unknown, model: (s: Snapshot) => void) => steps.push({ what, run, model });
  if (kind === 'basic') {
    add('create a', (d) => d.create(vm('a')), (s) => s.set('a', 'paused'));
    add('unpause a', (d) => d.unpause('a'), (s) => s.set('a', 'running'));
    add('rename a b', (d) => d.setName('a', 'b'), (s) => (s.delete('a'), s.set('b', 'running')));
    add('pause b', (d) => d.pause('b'), (s) => s.set('b', 'paused'));
    add('create c', (d) => d.create(vm('c')), (s) => s.set('c', 'paused'));
    add('destroy c', (d) => d.destroy('c'), (s) => s.delete('c'));
    add('unpause b', (d) => d.unpause('b'), (s) => s.set('b', 'running'));
    add('destroy b', (d) => d.destroy('b'), (s) => s.delete('b'));
  } else if (kind === 'restart') {
    add('create r', (d) => d.create(vm('r')), (s) => s.set('r', 'paused'));
    add('unpause r', (d) => d.unpause('r'), (s) => s.set('r', 'running'));
    add('crash r (on_crash=restart)', (d) => d.shutdown('r', 'crash'), (s) => s.set('r', 'running'));
  } else {
    add('create d', (d) => d.create(vm('d', [['on_crash', 'rename-restart']])), (s) => s.set('d', 'paused'));
    add('unpause d', (d) => d.unpause('d'), (s) => s.set('d', 'running'));
    add('crash d (on_crash=rename-restart)', (d) => d.shutdown('d', 'crash'), (s) => (s.set('d-1', 'crashed'), s.set('d', 'running')));
  }
  return steps;
}

const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();

interface CrashOutcome {
  points: number;
  failures: string[];
}

/** Runs a scenario once per crash point (0 … all writes) and checks each recovery. */
async function everyCrashPoint(kind: 'basic' | 'restart' | 'rename-restart'): Promise<CrashOutcome> {
  const steps = scenario(kind);
  const models: Snapshot[] = [new Map()];
  for (const s of steps) {
    const next = new Map(models.at(-1)!);
    s.model(next);
    models.push(next);
  }
  const failures: string[] = [];
  let total = -1;
  let points = 0;
  for (let budget = -1; budget <= total; budget++) {
    const dir = mkdtempSync(join(base, 'xend-crashpoint-'));
    try {
      disk.budget = Infinity;
      disk.writes = 0;
      disk.crashed = false;
      disk.tornDir = null;
      const first = openHost(dir);
      // The first pass (budget -1) runs to the end and counts the writes: the crash points.
      disk.budget = budget < 0 ? Infinity : budget;
      disk.writes = 0;
      let acked = 0;
      for (const s of steps) {
        await s.run(first.domains);
        await first.settled();
        if (disk.crashed) break;
        acked++;
      }
      first.hv.close(); // stops timers; its writes, if any, are past the crash and dropped
      if (budget < 0) total = disk.writes;
      disk.budget = Infinity;
      points++;
      const second = openHost(dir);
      await second.domains.recover();
      await second.settled();
      const got = snapshotOf(second.domains);
      second.hv.close();
      const allowed = [models[acked]!, ...(acked < steps.length ? [models[acked + 1]!] : [])];
      if (!allowed.some((m) => show(m) === show(got))) {
        failures.push(`crash after write ${budget} (during "${steps[acked]?.what ?? 'nothing'}"): recovered [${show(got)}], expected [${allowed.map(show).join('] or [')}]`);
        continue;
      }
      // Recovering again (xend restarted twice) changes nothing.
      const third = openHost(dir);
      await third.domains.recover();
      await third.settled();
      const again = snapshotOf(third.domains);
      third.hv.close();
      if (show(again) !== show(got)) failures.push(`crash after write ${budget}: a second restart turned [${show(got)}] into [${show(again)}]`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  disk.budget = Infinity;
  return { points, failures };
}

describe('every crash point of the durable state (sim backend, in-process)', () => {
  test('create, unpause, rename, pause, destroy: each write leaves the old state or the new one', async (t) => {
    const { points, failures } = await everyCrashPoint('basic');
    report(t, 'crash-points basic', { crash_points: points, failures: failures.length });
    assert.deepEqual(failures, []);
  });

  test('a guest crash with on_crash=restart: the domain survives a kill at every write', async (t) => {
    const { points, failures } = await everyCrashPoint('restart');
    report(t, 'crash-points restart', { crash_points: points, failures: failures.length });
    assert.deepEqual(failures, []);
  });

  test('a guest crash with on_crash=rename-restart: one new domain, whatever the kill, however many restarts', async (t) => {
    const { points, failures } = await everyCrashPoint('rename-restart');
    report(t, 'crash-points rename-restart', { crash_points: points, failures: failures.length });
    assert.deepEqual(failures, []);
  });
});
