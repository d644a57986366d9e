#!/usr/bin/env node
// Client latency, whole process, against `node -e 0` measured in the same run,
// alternating the two so machine noise hits both alike. Prints ratios; asserts nothing.
// Usage: node bench/run.mjs [--runs N] [--only NAME]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] || 0) || 25;
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;

const root = mkdtempSync(join(tmpdir(), 'xend-bench-'));
mkdirSync(join(root, 'etc/xen'), { recursive: true });
writeFileSync(join(root, 'etc/xen/xend-config.sxp'), '(sim-host-memory 1048576)\n');
const env = { ...process.env, XEND_ROOT: root };
const xm = (...a) => spawnSync(process.execPath, [join(repo, 'bin/xm'), ...a], { env, encoding: 'utf8' });
const xend = (...a) => spawnSync(process.execPath, [join(repo, 'bin/xend'), ...a], { env, encoding: 'utf8' });

function time(cmd) {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd[0], cmd.slice(1), { env, stdio: 'ignore' });
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} exited ${r.status}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Alternates subject and baseline `runs` times after 3 warm-ups of each. */
function compare(name, subject, baseline, target) {
  const s = [];
  const b = [];
  for (let i = 0; i < runs + 3; i++) {
    const bs = time(baseline);
    const ss = time(subject);
    if (i >= 3) {
      b.push(bs);
      s.push(ss);
    }
  }
  const row = { name, baseline: baseline.slice(1).join(' '), subject_ms: median(s), baseline_ms: median(b), target };
  row.ratio = row.subject_ms / row.baseline_ms;
  return row;
}

const node0 = [process.execPath, '-e', '0'];
const xmCmd = (...a) => [process.execPath, join(repo, 'bin/xm'), ...a];
const benches = [
  ['xm --version', () => compare('xm --version', xmCmd('--version'), node0, 1.15)],
  ['xm help', () => compare('xm help', xmCmd('help'), node0, 1.15)],
  ['xm list (10 domains)', () => compare('xm list (10 domains)', xmCmd('list'), node0, 1.35)],
  ['xm list --json (10 domains)', () => compare('xm list --json (10 domains)', xmCmd('list', '--json'), node0, 1.35)],
];

const results = [];
try {
  if (xend('start').status !== 0) throw new Error('xend start failed');
  for (let i = 1; i < 10; i++) xm('create', '/dev/null', `name=bench${i}`, 'memory=64');
  for (const [name, run] of benches) if (!only || name.includes(only)) results.push(run());
} finally {
  xend('stop');
  rmSync(root, { recursive: true, force: true });
}

const pad = (s, n) => String(s).padEnd(n);
console.log(`${pad('benchmark', 30)}${pad('baseline', 12)}${pad('median ms', 11)}${pad('base ms', 9)}${pad('ratio', 8)}target`);
for (const r of results) {
  console.log(`${pad(r.name, 30)}${pad(r.baseline, 12)}${pad(r.subject_ms.toFixed(1), 11)}${pad(r.baseline_ms.toFixed(1), 9)}${pad(r.ratio.toFixed(2) + 'x', 8)}<= ${r.target}x`);
}
writeFileSync(join(repo, 'bench/results.json'), JSON.stringify({ date: new Date().toISOString(), runs, results }, null, 2) + '\n');
