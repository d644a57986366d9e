#!/usr/bin/env node
// The benchmark suite: runs every benchmark (or those named by --only), prints one
// table of ratios against baselines measured in the same run, writes the same to
// bench/results.json, and prints the change against the previous results.json.
// Slowness never fails the run; only a benchmark that cannot run does (exit 1).
//
//   node bench/run.mjs [--only latency,scale,load,migration,qemu,xen] [--runs 20] [--warmup 3]
//                      [--load-seconds 2] [--load-rounds 3] [--conns 8]
//                      [--restart-runs 3] [--no-save] [--quick]
// Requires a build (npm run build): it runs bin/xm and bin/xend as installed.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Xend, benchDir, log, runCleanups } from './lib.mjs';
import * as load from './load.mjs';
import * as scale from './scale.mjs';
import * as latency from './latency.mjs';
import * as migration from './migration.mjs';
import * as qemu from './qemu.mjs';
import * as xen from './xen.mjs';

const BENCHES = [load, scale, latency, migration, qemu, xen];
const USAGE = `usage: node bench/run.mjs [--only ${BENCHES.map((b) => b.name).join(',')}] [--runs N] [--warmup N]
       [--load-seconds S] [--load-rounds N] [--conns N] [--restart-runs N] [--no-save] [--quick]`;

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const opt = (f, dflt) => {
  const i = argv.indexOf(f);
  if (i < 0) return dflt;
  const v = argv[i + 1];
  if (v === undefined) throw new Error(`${f} needs a value\n${USAGE}`);
  return v;
};
if (flag('--help') || flag('-h')) {
  console.log(USAGE);
  process.exit(0);
}
const quick = flag('--quick');
const only = opt('--only', null)?.split(',').filter(Boolean) ?? null;
for (const o of only ?? []) if (!BENCHES.some((b) => b.name === o)) throw new Error(`unknown benchmark ${o}\n${USAGE}`);
const ctx = {
  runs: Number(opt('--runs', quick ? 10 : 20)),
  warmup: Number(opt('--warmup', quick ? 2 : 3)),
  loadSeconds: Number(opt('--load-seconds', quick ? 1 : 2)),
  loadRounds: Number(opt('--load-rounds', quick ? 2 : 3)),
  conns: Number(opt('--conns', 8)),
  restartRuns: Number(opt('--restart-runs', quick ? 2 : 3)),
  progress: (text) => {
    if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  },
  pool: makePool(),
};
const resultsFile = join(benchDir, 'results.json');
const previous = existsSync(resultsFile) ? safeJson(readFileSync(resultsFile, 'utf8')) : null;

if (!existsSync(join(benchDir, '..', 'dist', 'xm.cjs'))) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const started = Date.now();
const loadAtStart = loadavg().map((x) => +x.toFixed(2));
const rows = [];
const failures = [];
for (const b of BENCHES) {
  if (only && !only.includes(b.name)) continue;
  const t = Date.now();
  log(`== ${b.name}: ${b.title}`);
  try {
    for (const r of await b.run(ctx)) rows.push({ bench: b.name, ...r });
  } catch (err) {
    failures.push({ bench: b.name, error: err.message });
    log(`\nbench: ${b.name} failed: ${err.stack}`);
  }
  ctx.progress('');
  log(`== ${b.name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
}
runCleanups();

const machine = {
  cpus: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  memGiB: +(totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  python: spawnSync('python3', ['--version'], { encoding: 'utf8' }).stdout?.trim() || 'none',
  loadavgAtStart: loadAtStart,
  loadavg: loadavg().map((x) => +x.toFixed(2)),
};
const result = {
  date: new Date().toISOString(),
  seconds: Math.round((Date.now() - started) / 1000),
  machine,
  options: { runs: ctx.runs, warmup: ctx.warmup, loadSeconds: ctx.loadSeconds, loadRounds: ctx.loadRounds, conns: ctx.conns, restartRuns: ctx.restartRuns, only },
  rows: rows.map((r) => ({ ...r, verdict: verdict(r) })),
  failures,
};

print(result, previous);
if (!flag('--no-save')) {
  // --only keeps the previous figures of the benchmarks it did not run
  const kept = only && previous?.rows ? previous.rows.filter((r) => !only.includes(r.bench)).map((r) => ({ ...r, date: r.date ?? previous.date })) : [];
  const saved = { ...result, rows: [...result.rows.map((r) => ({ ...r, date: result.date })), ...kept] };
  writeFileSync(resultsFile, `${JSON.stringify(saved, null, 2)}\n`);
  console.log(`\nwritten to bench/results.json${previous ? ` (previous run ${previous.date})` : ''}`);
}
process.exitCode = failures.length ? 1 : 0;

// ------------------------------------------------------------------------------------------

function makePool() {
  const map = new Map();
  return {
    get: (label) => map.get(label),
    put: (label, x) => map.set(label, x),
    /** A started xend with at least `guests` guests, shared between benchmarks. */
    async xend(label, guests) {
      let x = map.get(label);
      if (!x) map.set(label, (x = new Xend(label).start()));
      if (x.guests < guests) {
        log(`setup: growing ${label} xend to ${guests} guests`);
        await x.grow(guests, (k) => k % 100 === 0 && ctx.progress(`setup: ${label} ${k}/${guests}`));
      }
      return x;
    },
  };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function verdict(r) {
  if (r.unavailable) return 'n/a';
  if (r.target == null) return '';
  return (r.better === 'higher' ? r.ratio >= r.target : r.ratio <= r.target) ? 'ok' : 'MISS';
}

function fmt(v, unit) {
  if (v == null || Number.isNaN(v)) return '—';
  if (unit === 'ms') return `${v < 10 ? v.toFixed(2) : v.toFixed(1)} ms`;
  if (unit === 'MiB') return `${v.toFixed(1)} MiB`;
  if (unit === 'req/s') return `${v.toFixed(0)}/s`;
  if (unit === 'MiB/s') return `${v.toFixed(0)} MiB/s`;
  return `${v} ${unit}`;
}

function print(res, prev) {
  const prevRows = new Map((prev?.rows ?? []).map((r) => [r.id, r]));
  const head = ['measured', 'baseline', 'median', 'base', 'ratio', 'target', '', 'vs prev', 'note'];
  const table = [];
  let group = null;
  const groups = [];
  for (const r of res.rows) {
    if (r.bench !== group) {
      group = r.bench;
      groups.push(table.length);
      table.push([`[${BENCHES.find((b) => b.name === group).title}]`]);
    }
    if (r.unavailable) {
      table.push([r.what, 'not available', '', '', '', '', 'n/a', '', r.unavailable]);
      continue;
    }
    const p = prevRows.get(r.id);
    const change = p && p.ratio ? `${p.ratio.toFixed(2)}× ${pct(r.ratio / p.ratio - 1)}` : '';
    const target = r.target == null ? '—' : `${r.better === 'higher' ? '≥' : '≤'}${r.target}×`;
    table.push([r.what, r.baseline, fmt(r.subject, r.unit), fmt(r.base, r.unit), `${r.ratio.toFixed(2)}×`, target, r.verdict, change, r.note ?? '']);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...table.filter((row) => row.length > 1).map((row) => String(row[i] ?? '').length)));
  const right = new Set([2, 3, 4]);
  const line = (row) =>
    row
      .map((c, i) => (right.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(`\nxend-suite benchmarks — ${res.date}, ${res.machine.cpus} × ${res.machine.cpu}, node ${res.machine.node}, ${res.machine.python}, load ${res.machine.loadavgAtStart?.[0] ?? '?'} → ${res.machine.loadavg[0]}`);
  // The load when the run began is other people's work; the run itself adds up to ~2.
  const before = res.machine.loadavgAtStart?.[0] ?? 0;
  if (before > res.machine.cpus * 0.75) {
    console.log(`WARNING: the machine was already busy (load ${before} on ${res.machine.cpus} CPUs) when the run began: other work competes with every figure; compare ratios only with a run under similar load`);
  }
  console.log(`medians; latency: ${res.options.runs} alternated rounds after ${res.options.warmup} warm-up; load: ${res.options.loadRounds} rounds × ${res.options.loadSeconds} s, ${res.options.conns} connections; ratio = median ÷ baseline median`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of table) console.log(row.length === 1 ? row[0] : line(row));
  for (const f of res.failures) console.log(`FAILED ${f.bench}: ${f.error}`);
  const misses = res.rows.filter((r) => r.verdict === 'MISS');
  console.log(`\n${misses.length ? `${misses.length} figure(s) miss their target: ${misses.map((r) => r.id).join(', ')}` : 'every figure with a target meets it'} (not a failure: benchmarks only report)`);
}

function pct(x) {
  const s = (x * 100).toFixed(0);
  return `(${x >= 0 ? '+' : ''}${s}%)`;
}
