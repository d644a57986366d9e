import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fault, usage, xm } from '../xm.js';

function configDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'xm-cpupool-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'p1.cfg'), 'sched = "credit2"\ncpus = "2-3,^2,1"\nother_config = ["owner=ops", "junk"]\n');
  writeFileSync(join(dir, 'p2.sxp'), '(pool (name_label p2) (ncpu 1))\n');
  return dir;
}

test('xm cpupool-create FILE: the script becomes (pool …), sent to xend.cpu_pool.create; its name is the file', async (t) => {
  const dir = configDir(t);
  const r = await xm(['cpupool-create', 'p1.cfg'], { 'xend.cpu_pool.create': () => 0 }, { cwd: dir });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Using config file "./p1.cfg".\n', '']);
  assert.deepEqual(r.calls, [
    ['xend.cpu_pool.create', [['pool', ['name_label', 'p1.cfg'], ['sched_policy', 'credit2'], ['ncpu', 2], ['proposed_CPUs', 3, 1], ['other_config', ['owner', 'ops']]]]],
  ]);
});

test('xm cpupool-create: VAR=VAL wins over the script; cpus=N from the command line is a CPU, in the script a count', async (t) => {
  const dir = configDir(t);
  writeFileSync(join(dir, 'count.cfg'), 'name = "c"\ncpus = 3\n');
  const r = await xm(['cpupool-create', '-n', 'p1.cfg', 'name=web', 'cpus=2'], {}, { cwd: dir });
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'Using config file "./p1.cfg".\n(pool\n    (name_label web)\n    (sched_policy credit2)\n    (ncpu 1)\n    (proposed_CPUs 2)\n    (other_config (owner ops))\n)\n');
  const count = await xm(['cpupool-create', '--dryrun', 'count.cfg'], {}, { cwd: dir });
  assert.match(count.stdout, /\(ncpu 3\)\n {4}\(proposed_CPUs\)\n/);
  const hash = await xm(['cpupool-create', '-n', 'count.cfg', 'cpus=#2'], {}, { cwd: dir });
  assert.match(hash.stdout, /\(ncpu 2\)/);
});

test('xm cpupool-create -F SXP sends the file as it is; --help_config lists the variables', async (t) => {
  const dir = configDir(t);
  const r = await xm(['cpupool-create', '-F', 'p2.sxp'], { 'xend.cpu_pool.create': () => 0 }, { cwd: dir });
  assert.deepEqual(r.calls, [['xend.cpu_pool.create', [['pool', ['name_label', 'p2'], ['ncpu', '1']]]]]);
  const help = await xm(['cpupool-create', '--help_config']);
  assert.equal(help.stdout, '\nValues:\n\nname=NAME            CPU pool name.\nsched=SCHED          Scheduler to use for the CPU pool.\ncpus=CPUS            CPUS to assign to the CPU pool.\nother_config=OTHER_CONFIG\n                     Additional info for CPU pool\n\n');
  assert.deepEqual(help.calls, []);
});

test("xm cpupool-create: a cpus xm cannot read is cpupool.py's error, exit 255; xend's refusal is Error and usage", async (t) => {
  const dir = configDir(t);
  const bad = await xm(['cpupool-create', 'p1.cfg', 'cpus=1-x'], {}, { cwd: dir });
  assert.deepEqual([bad.code, bad.stderr], [255, "Error: cpus = 1-x: invalid literal for int() with base 10: 'x'\n"]);
  const missing = await xm(['cpupool-create', 'nosuch.cfg'], {}, { cwd: dir });
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Error: Unable to open config file: nosuch.cfg\n/);
  const refused = await xm(['cpupool-create', 'p1.cfg'], { 'xend.cpu_pool.create': () => fault(2, "['INSUFFICIENT_CPUS', '2', '0']") }, { cwd: dir });
  assert.deepEqual([refused.code, refused.stderr, refused.stdout], [1, "Error: ['INSUFFICIENT_CPUS', '2', '0']\n", 'Using config file "./p1.cfg".\n' + usage('cpupool-create')]);
});

test("xm cpupool-create of a script with a syntax error: xm's lines, what is wrong, and xm's blank line, as for create", async (t) => {
  const dir = configDir(t);
  writeFileSync(join(dir, 'bad.cfg'), 'name = "bad"\ncpus = (2\n');
  const r = await xm(['cpupool-create', 'bad.cfg'], {}, { cwd: dir });
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: Errors were found at line 2 while processing ./bad.cfg:\n\tcpus = (2\n\tunexpected EOF while parsing: the '(' opened at line 2 is not closed\n\n");
  assert.deepEqual(r.calls, []);
});
