/**
 * Soak: a bounded mixed load from concurrent clients on loopback (XML-RPC on
 * the Unix socket, plus one client driving real xm processes): create,
 * unpause, lookups, lists, pause/unpause, rename, mem-set, vcpu-set,
 * save/restore, shutdown and destroy of each client's own domains. Every
 * operation is valid, so every error is a failure. The xend worker's memory
 * and open files are sampled: after a warm-up they must not keep growing.
 *
 * Knobs: SOAK_SECONDS (default 30), SOAK_CLIENTS (default 8), SOAK_SAVE_RESTORE=1
 * (adds save/restore cycles), RELIABILITY_SEED.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { TestXend } from '../helpers/xend.js';
import { Rng, SEED, alive, faultCode, field, knob, report, rpc, sleep, workerPid, rssKiB, disposeXend, type Call } from './support.js';

const SECONDS = knob('SOAK_SECONDS', 30);
const CLIENTS = Math.max(2, knob('SOAK_CLIENTS', 8));
const MAX_LIVE = 4;
/** Save/restore cycles join the mix only on request until the fd double close in CheckpointService.restore is fixed (see concurrency.test.ts). */
const SAVE_RESTORE = knob('SOAK_SAVE_RESTORE', 0) > 0;

interface Counters {
  ops: number;
  byKind: Map<string, number>;
  errors: string[];
}

interface Owned {
  name: string;
  paused: boolean;
}

async function rpcClient(id: number, x: TestXend, rng: Rng, until: number, c: Counters): Promise<void> {
  const call: Call = rpc(x);
  const mine: Owned[] = [];
  let seq = 0;
  const count = (kind: string) => {
    c.ops++;
    c.byKind.set(kind, (c.byKind.get(kind) ?? 0) + 1);
  };
  const run = async (kind: string, f: () => Promise<unknown>) => {
    try {
      await f();
      count(kind);
    } catch (err) {
      c.errors.push(`client ${id} ${kind}: ${(err as Error).message}`);
    }
  };
  while (Date.now() < until) {
    const live = mine.length;
    const roll = rng.int(100);
    if (live < 2 || (live < MAX_LIVE && roll < 15)) {
      const d = { name: `s${id}-${++seq}`, paused: false };
      await run('create', async () => {
        await call('xend.domain.create', ['vm', ['name', d.name], ['memory', rng.pick([16, 32])], ['maxmem', 32], ['vcpus', rng.range(1, 2)]]);
        await call('xend.domain.unpause', d.name);
      });
      mine.push(d);
      continue;
    }
    const d = rng.pick(mine);
    if (roll < 35) await run('list', () => call('xend.domains_with_state', true, 'all', false));
    else if (roll < 45) await run('lookup', () => call('xend.domain', d.name, rng.bool()));
    else if (roll < 55) {
      await run(d.paused ? 'unpause' : 'pause', () => call(d.paused ? 'xend.domain.unpause' : 'xend.domain.pause', d.name));
      d.paused = !d.paused;
    } else if (roll < 63) {
      const to = `s${id}-${++seq}`;
      await run('rename', () => call('xend.domain.setName', d.name, to));
      d.name = to;
    } else if (roll < 70) await run('mem-set', () => call('xend.domain.setMemoryTarget', d.name, rng.pick([16, 24, 32])));
    else if (roll < 76) await run('vcpu-set', () => call('xend.domain.setVCpuCount', d.name, 1));
    else if (roll < 80) await run('vcpu-info', () => call('xend.domain.getVCPUInfo', d.name));
    else if (roll < 84 && SAVE_RESTORE) {
      const file = x.path(`soak-${id}-${seq}.chk`);
      await run('save+restore', async () => {
        await call('xend.domain.save', d.name, file, false);
        await call('xend.domain.restore', file, d.paused);
      });
      rmSync(file, { force: true });
    } else if (roll < 92 && !d.paused) {
      await run('shutdown', () => call('xend.domain.shutdown', d.name, 'poweroff'));
      mine.splice(mine.indexOf(d), 1);
    } else {
      await run('destroy', () => call('xend.domain.destroy', d.name));
      mine.splice(mine.indexOf(d), 1);
    }
  }
  for (const d of mine) await run('destroy', () => call('xend.domain.destroy', d.name).catch((e) => (faultCode(e) === 3 ? null : Promise.reject(e))));
}

async function xmClient(x: TestXend, rng: Rng, until: number, c: Counters): Promise<void> {
  let seq = 0;
  while (Date.now() < until) {
    const name = `xm-${++seq}`;
    for (const args of [
      ['create', '-q', '/dev/null', `name=${name}`, 'memory=16'],
      ['list'],
      [rng.pick(['pause', 'mem-set', 'vcpu-list']), name, ...(rng.bool() ? [] : [])],
      ['list', '--long', name],
      ['destroy', name],
    ]) {
      if (args[0] === 'mem-set') args.push('16');
      const r = await x.xm(...args);
      if (r.code === 0) {
        c.ops++;
        c.byKind.set(`xm ${args[0]}`, (c.byKind.get(`xm ${args[0]}`) ?? 0) + 1);
      } else c.errors.push(`xm ${args.join(' ')}: exit ${r.code} ${r.stderr.trim()}`);
    }
  }
}

describe('soak', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('', { XEND_SIM_SHUTDOWN_MS: '100' });
  });
  after(() => disposeXend(x));

  test(`${CLIENTS} clients for ${SECONDS} s of mixed operations: no errors, no growth (seed ${SEED})`, { timeout: (SECONDS + 90) * 1000 }, async (t) => {
    const pid = workerPid(x);
    const fds = () => readdirSync(`/proc/${pid}/fd`).length;
    const start = { rss: rssKiB(pid), fds: fds() };
    const samples: { at: number; rss: number; fds: number; ops: number }[] = [];
    const began = Date.now();
    const until = began + SECONDS * 1000;
    const c: Counters = { ops: 0, byKind: new Map(), errors: [] };
    let sampling = true;
    const sampler = (async () => {
      while (sampling && alive(pid)) {
        samples.push({ at: Date.now() - began, rss: rssKiB(pid), fds: fds(), ops: c.ops });
        await sleep(500);
      }
    })();
    const rng = new Rng(SEED).fork(5);
    await Promise.all(Array.from({ length: CLIENTS }, (_, i) => (i === CLIENTS - 1 ? xmClient(x, rng.fork(100), until, c) : rpcClient(i, x, rng.fork(i), until, c))));
    sampling = false;
    await sampler;
    assert.ok(alive(pid), `the worker died during the soak:\n${readFileSync(x.path('var/log/xen/xend-debug.log'), 'utf8').slice(-3000)}\nfirst errors: ${c.errors.slice(0, 5).join('\n')}`);
    // Let acknowledged shutdowns finish, then sample the worker at rest.
    await sleep(1000);
    const left = ((await rpc(x)('xend.domains_with_state', true, 'all', false)) as unknown[]).filter((r) => Number(field(r, 'domid')) !== 0);
    const end = { rss: rssKiB(pid), fds: fds() };

    // Warm-up: the first fifth of the run. Growth is judged on what happens after it.
    const afterWarmup = samples.filter((s) => s.at >= (SECONDS * 1000) / 5);
    const firstWindow = afterWarmup.slice(0, 4);
    const lastWindow = samples.slice(-4);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const warmRss = Math.round(mean(firstWindow.map((s) => s.rss)));
    const lateRss = Math.round(mean(lastWindow.map((s) => s.rss)));
    const peakRss = Math.max(...samples.map((s) => s.rss));
    // Throughput in the first and the last third after warm-up (ops/s), to see any slowdown.
    const rate = (xs: typeof samples) => (xs.length < 2 ? 0 : Math.round(((xs.at(-1)!.ops - xs[0]!.ops) * 1000) / (xs.at(-1)!.at - xs[0]!.at)));
    const third = Math.floor(afterWarmup.length / 3);
    const earlyRate = rate(afterWarmup.slice(0, third + 1));
    const lateRate = rate(afterWarmup.slice(-third - 1));
    report(t, 'soak', {
      seed: SEED,
      seconds: SECONDS,
      clients: CLIENTS,
      ops_done: c.ops,
      ops_per_s: Math.round(c.ops / SECONDS),
      ops_per_s_early: earlyRate,
      ops_per_s_late: lateRate,
      errors: c.errors.length,
      rss_start_kib: start.rss,
      rss_after_warmup_kib: warmRss,
      rss_late_kib: lateRss,
      rss_end_kib: end.rss,
      rss_peak_kib: peakRss,
      fds_start: start.fds,
      fds_end: end.fds,
      domains_left: left.length,
      mix: [...c.byKind].map(([k, v]) => `${k.replace(' ', '_')}:${v}`).join(','),
    });
    assert.deepEqual(c.errors.slice(0, 10), [], `${c.errors.length} errors`);
    assert.equal(workerPid(x), pid, 'the same worker served the whole run');
    assert.equal(left.length, 0, 'every domain the clients made is gone again');
    assert.ok(c.ops > CLIENTS * 10, `enough load (${c.ops} ops)`);
    // Generous: allocator noise and JIT settle, a leak proportional to the work does not fit.
    assert.ok(lateRss <= warmRss * 1.5 + 32 * 1024, `RSS grew from ${warmRss} KiB after warm-up to ${lateRss} KiB`);
    assert.ok(end.fds <= start.fds + 8, `open files grew from ${start.fds} to ${end.fds}`);
  });
});
