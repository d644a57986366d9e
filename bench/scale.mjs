// xend under scale: one xend grows from 0 to 10,000 guests (2,000 with --quick) over
// XML-RPC (the call `xm create` makes, on one keep-alive connection, so process start-up
// does not drown the daemon's own cost). Along the way: per-create latency against a
// no-op call alternated with it, domains_with_state latency and the worker's RSS at
// 0/10/100/1,000/10,000 guests; then `xend restart` with every guest alternated with
// `xend restart` of a second xend holding 10, and the adopted worker's RSS. The grown
// xend is stopped at the end (the latency benchmark grows its own 1,000-guest one).
// Targets (issue 20): create as fast at the end as at the start, ≤ 30 KiB of RSS a
// guest, a restart adopting every guest in ≤ 2 s; each a ratio against a figure of the
// same run (the first creates, the worker at 0 guests, a restart with 10 guests).
import { Xend, log, median, sleep, sum, timeProcess, node, bin, RpcClient } from './lib.mjs';

export const name = 'scale';
export const title = 'xend under scale';

const NOOP = ['system.methodHelp', ['x']];
const LIST = ['xend.domains_with_state', [true, 'all', 0]];
/** Creates per window whose median is compared (the first ones against the last ones). */
const WINDOW = 100;
const RSS_KIB_PER_GUEST = 30;
const RESTART_MS = 2000;

/** The guests the bench grows to: 10,000, or 2,000 with --quick. */
export const guestsFor = (argv) => (argv.includes('--quick') ? 2000 : 10000);
const count = (n) => n.toLocaleString('en-US');

export async function run(ctx) {
  const guests = guestsFor(process.argv);
  const steps = [0, 10, 100, 1000, guests].filter((n, i, all) => n <= guests && all.indexOf(n) === i);
  const small = await ctx.pool.xend('small', 10);
  const large = new Xend('scale').start();
  const rtt = {};
  const rss = {};
  const creates = [];
  const noops = [];
  let bytesLast = 0;

  const sampleAt = async (n) => {
    await sleep(300);
    rss[n] = large.memory().rssKiB;
    // domains_with_state alternated with the no-op call on the same connection; a 30 MiB listing takes a while
    const rounds = n > 1000 ? Math.min(ctx.runs, 5) : ctx.runs;
    const l = [];
    const o = [];
    for (let i = 0; i < 3 + rounds; i++) {
      const a = await large.rpc.time(...NOOP);
      const b = await large.rpc.time(...LIST);
      if (i >= 3) o.push(a), l.push(b);
    }
    rtt[n] = { list: median(l), noop: median(o) };
    if (n === guests) bytesLast = (await large.rpc.raw(...LIST)).length;
    log(`scale: ${n} guests: RSS ${(rss[n] / 1024).toFixed(1)} MiB, domains_with_state ${rtt[n].list.toFixed(2)} ms (no-op ${rtt[n].noop.toFixed(2)} ms)`);
  };

  await sampleAt(0);
  const t0 = process.hrtime.bigint();
  for (const n of steps.slice(1)) {
    const times = await large.grow(n, async (k) => {
      noops[k] = await large.rpc.time(...NOOP); // alternate: create, no-op, create, …
      if (k % 100 === 0) ctx.progress(`scale: ${k}/${guests} guests`);
    });
    creates.push(...times);
    await sampleAt(n);
  }
  const createWall = Number(process.hrtime.bigint() - t0) / 1e9;
  const createTotal = sum(creates) / 1000;
  const window = (a, b) => ({ c: median(creates.slice(a - 1, b)), o: median(noops.slice(a, b + 1).filter((x) => x !== undefined)) });
  const first = window(1, WINDOW);
  const last = window(guests - WINDOW + 1, guests);
  const rows = [
    {
      id: 'scale.create-first',
      what: `xend.domain.create, guests 1–${WINDOW} (per call)`,
      baseline: 'no-op call (system.methodHelp), alternated',
      unit: 'ms',
      better: 'lower',
      subject: first.c,
      base: first.o,
      ratio: first.c / first.o,
      target: null,
      n: WINDOW,
      note: `${count(guests)} creates: ${createTotal.toFixed(1)} s, ${((createTotal * 1000) / guests).toFixed(2)} ms/guest`,
    },
    createEndRow(first, last, guests),
  ];
  for (const n of steps.slice(1)) {
    rows.push({
      id: `scale.list-${n}`,
      what: `xend.domains_with_state(True,'all',0), ${count(n)} guests`,
      baseline: 'no-op call, alternated',
      unit: 'ms',
      better: 'lower',
      subject: rtt[n].list,
      base: rtt[n].noop,
      ratio: rtt[n].list / rtt[n].noop,
      target: null,
      n: n > 1000 ? Math.min(ctx.runs, 5) : ctx.runs,
      ...(n === guests && {
        note: `${(((rtt[n].list - rtt[10].list) / (n - 10)) * 1000).toFixed(1)} µs/guest, ${(bytesLast / 2 ** 20).toFixed(1)} MiB response`,
      }),
    });
  }
  for (const n of steps.slice(1)) rows.push(rssRow(`rss-${n}`, `xend worker RSS, ${count(n)} guests (after creating them)`, 'same worker at 0 guests', rss[n], rss[0], n, n === guests));

  // restart: alternate the grown xend with the 10-guest one
  const restarts = { large: [], small: [] };
  const rounds = Math.max(2, ctx.restartRuns);
  for (let r = 0; r < rounds + 1; r++) {
    for (const [label, x] of r % 2 ? [['small', small], ['large', large]] : [['large', large], ['small', small]]) {
      x.rpc.close();
      const ms = timeProcess([node, bin('xend'), 'restart'], x.env);
      x.rpc = new RpcClient({ socketPath: x.socketPath });
      if (r > 0) restarts[label].push(ms);
    }
    ctx.progress(`scale: restart round ${r + 1}/${rounds + 1}`);
  }
  const adopted = await large.count();
  if (adopted !== guests + 1) throw new Error(`after xend restart the grown xend lists ${adopted} domains, expected ${guests + 1}`);
  await sleep(500);
  const rssAdopted = large.memory().rssKiB;
  const rssSmall = small.memory().rssKiB;
  large.stop();
  rows.push(
    restartRow(median(restarts.large), median(restarts.small), guests, rounds),
    rssRow('rss-adopted', `xend worker RSS, ${count(guests)} guests (fresh, after restart)`, 'fresh worker with 10 guests', rssAdopted, rssSmall, guests - 10, true),
  );
  log(`scale: creating ${count(guests)} guests took ${createWall.toFixed(1)} s wall (${createTotal.toFixed(1)} s in create calls)`);
  return rows;
}

/**
 * The last creates against the first (medians of WINDOW calls each, in ms): the
 * target is the same cost at the end as at the start; the note says whether both stay under 3 ms.
 */
export function createEndRow(first, last, guests) {
  const under = (ms) => (ms <= 3 ? `≤3 ms ok` : '>3 ms MISS');
  return {
    id: 'scale.create-last',
    what: `xend.domain.create, guests ${count(guests - WINDOW + 1)}–${count(guests)} (per call)`,
    baseline: `the same xend's creates 1–${WINDOW}`,
    unit: 'ms',
    better: 'lower',
    subject: last.c,
    base: first.c,
    ratio: last.c / first.c,
    target: 1.25,
    n: WINDOW,
    note: `first ${under(first.c)}, last ${under(last.c)}; no-op ${last.o.toFixed(2)} ms`,
  };
}

/**
 * A worker's RSS (KiB) against a baseline worker with `extra` guests fewer: the
 * target is what RSS_KIB_PER_GUEST a guest more allows over the baseline, as a ratio.
 */
export function rssRow(id, what, baseline, kib, baseKib, extra, withTarget) {
  const perGuest = (kib - baseKib) / extra;
  return {
    id: `scale.${id}`,
    what,
    baseline,
    unit: 'MiB',
    better: 'lower',
    subject: kib / 1024,
    base: baseKib / 1024,
    ratio: kib / baseKib,
    target: withTarget ? floor2((baseKib + RSS_KIB_PER_GUEST * extra) / baseKib) : null,
    n: 1,
    note: `${perGuest.toFixed(1)} KiB/guest${withTarget ? ` (target ≤${RSS_KIB_PER_GUEST})` : ''}`,
  };
}

/** `xend restart` with every guest against one with 10 (ms, medians): the target is RESTART_MS, as a ratio. */
export function restartRow(largeMs, smallMs, guests, n) {
  return {
    id: 'scale.restart',
    what: `xend restart, adopting ${count(guests)} guests`,
    baseline: 'xend restart with 10 guests, alternated',
    unit: 'ms',
    better: 'lower',
    subject: largeMs,
    base: smallMs,
    ratio: largeMs / smallMs,
    target: floor2(RESTART_MS / smallMs),
    n,
    note: `target ≤${RESTART_MS} ms; ${((largeMs - smallMs) / (guests - 10)).toFixed(3)} ms/guest adopted`,
  };
}

const floor2 = (x) => Math.floor(x * 100) / 100;
