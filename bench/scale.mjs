// xend under scale: one xend grows from 0 to 1,000 guests over XML-RPC (the
// call `xm create` makes, on one keep-alive connection, so process start-up does
// not drown the daemon's own cost). Along the way: per-create latency against a
// no-op call alternated with it, domains_with_state latency and the worker's RSS
// at 0/10/100/1,000 guests; then `xend restart` with 1,000 guests alternated with
// `xend restart` of a second xend holding 10, and the adopted worker's RSS.
import { Xend, log, median, sleep, sum, timeProcess, node, bin, RpcClient } from './lib.mjs';

export const name = 'scale';
export const title = 'xend under scale';

const NOOP = ['system.methodHelp', ['x']];
const LIST = ['xend.domains_with_state', [true, 'all', 0]];
const STEPS = [0, 10, 100, 1000];

export async function run(ctx) {
  const rows = [];
  const small = await ctx.pool.xend('small', 10);
  if (ctx.pool.get('large')) throw new Error('scale must start its large xend from 0 guests; run it before latency');
  const large = new Xend('large').start();
  ctx.pool.put('large', large);
  const rtt = {};
  const rss = {};
  const creates = [];
  const noops = [];
  let bytes1000 = 0;

  const sampleAt = async (n) => {
    await sleep(300);
    rss[n] = large.memory().rssKiB;
    // domains_with_state alternated with the no-op call on the same connection
    const l = [];
    const o = [];
    for (let i = 0; i < 3 + ctx.runs; i++) {
      const a = await large.rpc.time(...NOOP);
      const b = await large.rpc.time(...LIST);
      if (i >= 3) o.push(a), l.push(b);
    }
    rtt[n] = { list: median(l), noop: median(o) };
    if (n === 1000) bytes1000 = (await large.rpc.raw(...LIST)).length;
    log(`scale: ${n} guests: RSS ${(rss[n] / 1024).toFixed(1)} MiB, domains_with_state ${rtt[n].list.toFixed(2)} ms (no-op ${rtt[n].noop.toFixed(2)} ms)`);
  };

  await sampleAt(0);
  const t0 = process.hrtime.bigint();
  for (const n of STEPS.slice(1)) {
    const times = await large.grow(n, async (k) => {
      noops[k] = await large.rpc.time(...NOOP); // alternate: create, no-op, create, …
      if (k % 100 === 0) ctx.progress(`scale: ${k}/1000 guests`);
    });
    creates.push(...times);
    await sampleAt(n);
  }
  const createWall = Number(process.hrtime.bigint() - t0) / 1e9;
  const createTotal = sum(creates) / 1000;
  const window = (a, b) => ({ c: median(creates.slice(a - 1, b)), o: median(noops.slice(a, b + 1).filter((x) => x !== undefined)) });
  const first = window(1, 100);
  const last = window(901, 1000);
  const createRow = (id, what, w, note) => ({
    id: `scale.${id}`,
    what,
    baseline: 'no-op call (system.methodHelp), alternated',
    unit: 'ms',
    better: 'lower',
    subject: w.c,
    base: w.o,
    ratio: w.c / w.o,
    target: null,
    n: 100,
    note,
  });
  rows.push(
    createRow('create-first', 'xend.domain.create, guests 1–100 (per call)', first, `1,000 creates: ${createTotal.toFixed(1)} s, ${(createTotal).toFixed(2)} ms/guest`),
    createRow('create-last', 'xend.domain.create, guests 901–1,000 (per call)', last, `${(last.c / first.c).toFixed(2)}× the first 100`),
  );
  for (const n of [10, 100, 1000]) {
    rows.push({
      id: `scale.list-${n}`,
      what: `xend.domains_with_state(True,'all',0), ${n} guests`,
      baseline: 'no-op call, alternated',
      unit: 'ms',
      better: 'lower',
      subject: rtt[n].list,
      base: rtt[n].noop,
      ratio: rtt[n].list / rtt[n].noop,
      target: null,
      n: ctx.runs,
      ...(n === 1000 && {
        note: `${(((rtt[1000].list - rtt[10].list) / 990) * 1000).toFixed(1)} µs/guest, ${(bytes1000 / 1024).toFixed(0)} KiB response`,
      }),
    });
  }
  for (const n of [10, 100, 1000]) {
    rows.push({
      id: `scale.rss-${n}`,
      what: `xend worker RSS, ${n} guests (after creating them)`,
      baseline: 'same worker at 0 guests',
      unit: 'MiB',
      better: 'lower',
      subject: rss[n] / 1024,
      base: rss[0] / 1024,
      ratio: rss[n] / rss[0],
      target: null,
      n: 1,
      note: `${((rss[n] - rss[0]) / n).toFixed(1)} KiB/guest`,
    });
  }

  // restart: alternate the 1,000-guest xend with the 10-guest one
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
  if (adopted !== 1001) throw new Error(`after xend restart the large xend lists ${adopted} domains, expected 1001`);
  await sleep(500);
  const rssAdopted = large.memory().rssKiB;
  const rssSmall = small.memory().rssKiB;
  const rl = median(restarts.large);
  const rs = median(restarts.small);
  rows.push(
    {
      id: 'scale.restart-1000',
      what: 'xend restart, adopting 1,000 guests',
      baseline: 'xend restart with 10 guests, alternated',
      unit: 'ms',
      better: 'lower',
      subject: rl,
      base: rs,
      ratio: rl / rs,
      target: null,
      n: rounds,
      note: `${((rl - rs) / 990).toFixed(2)} ms/guest adopted`,
    },
    {
      id: 'scale.rss-adopted',
      what: 'xend worker RSS, 1,000 guests (fresh, after restart)',
      baseline: 'fresh worker with 10 guests',
      unit: 'MiB',
      better: 'lower',
      subject: rssAdopted / 1024,
      base: rssSmall / 1024,
      ratio: rssAdopted / rssSmall,
      target: null,
      n: 1,
      note: `${((rssAdopted - rssSmall) / 990).toFixed(1)} KiB/guest`,
    },
  );
  log(`scale: creating 1,000 guests took ${createWall.toFixed(1)} s wall (${createTotal.toFixed(1)} s in create calls)`);
  return rows;
}
