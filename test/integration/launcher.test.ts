import { after, describe, test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBin, TestXend } from '../helpers/xend.js';

/** bin/xm compiles each file of the client with a V8 code cache of the user's own, which each new kind of run adds to as it exits. */
describe('bin/xm, the launcher', () => {
  const top = mkdtempSync(join(tmpdir(), 'xm-launcher-'));
  after(() => rmSync(top, { recursive: true, force: true }));
  let n = 0;
  /** A fresh cache home, and the environment that points xm at it. */
  const fresh = () => {
    const home = join(top, String(n++));
    mkdirSync(home);
    return { home, dir: join(home, 'xend-suite'), env: { ...process.env, XDG_CACHE_HOME: home, XEND_ROOT: home } };
  };
  /** A run of the client that needs no xend (`--json` first: main.ts answers `help`, not the launcher). */
  const xm = (env: NodeJS.ProcessEnv) => runBin(join(REPO, 'bin/xm'), ['--json', 'help'], env);
  const coreCache = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(`xm-${process.version}-`));

  test('the first run writes the core cache (mode 0600 in a 0700 folder); the next runs use it as it is', async () => {
    const { dir, env } = fresh();
    const r = await xm(env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Usage: xm <subcommand>/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(coreCache(dir).length, 1, 'a cache of the core for this Node, and nothing else loaded');
    const file = join(dir, coreCache(dir)[0]!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // It names the build it was made from and the kinds of run it holds, then V8's data.
    const header = () => readFileSync(file, 'latin1').split('\n', 1)[0]!.split('\0');
    assert.equal(header()[0], join(REPO, 'dist/xm.cjs'));
    assert.deepEqual(header().slice(2), ['help --json']);
    const made = statSync(file).mtimeMs;
    const again = await xm(env);
    assert.equal(again.stdout, r.stdout);
    assert.equal(statSync(file).mtimeMs, made, 'an accepted cache that holds this kind of run is not written again');
    // Another kind of run adds what it compiled; the subcommand and option names, not the values, are its kind.
    const help = await runBin(join(REPO, 'bin/xm'), ['--json', 'help', '--long', 'list'], env);
    assert.equal(help.code, 0, help.stderr);
    assert.deepEqual(header().slice(2), ['help --json', 'help --json --long']);
    const grown = statSync(file).mtimeMs;
    assert.equal((await runBin(join(REPO, 'bin/xm'), ['--json', 'help', '--long', 'create'], env)).code, 0);
    assert.equal(statSync(file).mtimeMs, grown, 'the same kind of run: not written again');
    // A chunk loaded later (an unknown command's "Did you mean") gets its own.
    const unknown = await runBin(join(REPO, 'bin/xm'), ['lsit'], env);
    assert.match(unknown.stderr, /Subcommand lsit not found/);
    const chunks = coreCache(dir).filter((f) => readFileSync(join(dir, f), 'latin1').startsWith(join(REPO, 'dist/xm/suggest-')));
    assert.equal(chunks.length, 1, 'the chunk has a cache of its own');
  });

  test('a cache of another build of the file is replaced', async () => {
    const { dir, env } = fresh();
    await xm(env);
    const file = join(dir, coreCache(dir)[0]!);
    writeFileSync(file, `${join(REPO, 'dist/xm.cjs')}\u00001:2\nnot V8's data`);
    const r = await xm(env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(readFileSync(file).length > 1000, 'made anew');
  });

  test("writing a cache removes the caches of files gone (an old build's chunks), of any Node; others are kept", async () => {
    const { dir, env } = fresh();
    await xm(env);
    const gone = join(top, 'old-build', 'dist/xm/list-OLDHASH.cjs');
    const here = join(REPO, 'dist/xm.cjs');
    const planted = {
      'xm-v20.0.0-0badc0de': `${gone}\u00001:2\u0000list\nV8's data`,
      'xm-v99.1.0-0badc0df': `${here}\u00001:2\nV8's data`,
      'xm-v99.1.0-0badc0e0': 'not a header',
      'xm-v20.0.0-0badc0e1.1234': `${gone}\u00001:2\n`,
      'notes.txt': `${gone}\n`,
    };
    for (const [name, text] of Object.entries(planted)) writeFileSync(join(dir, name), text);
    await xm(env);
    assert.ok(existsSync(join(dir, 'xm-v20.0.0-0badc0de')), 'nothing written by a run of a known kind: nothing pruned');
    assert.equal((await runBin(join(REPO, 'bin/xm'), ['--json', 'help', '--long'], env)).code, 0, 'a new kind of run');
    const left = readdirSync(dir);
    assert.ok(!left.includes('xm-v20.0.0-0badc0de'), "the cache of a file gone is removed");
    for (const kept of ['xm-v99.1.0-0badc0df', 'xm-v99.1.0-0badc0e0', 'xm-v20.0.0-0badc0e1.1234', 'notes.txt']) assert.ok(left.includes(kept), kept);
    assert.equal(coreCache(dir).length, 1, "this Node's cache of the core is kept");
  });

  test('a cache folder others may write is not used, nor a home that cannot hold one: the client compiles as usual', async () => {
    const { home, dir, env } = fresh();
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    const r = await xm(env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), [], 'nothing written where others could change it');
    assert.ok(existsSync(home));
    const none = await runBin(join(REPO, 'bin/xm'), ['--json', 'help'], { ...env, XDG_CACHE_HOME: '/dev/null' });
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stderr, '');
  });

  test('a cache home under /proc, or one whose parent is missing, is not made: the client answers, compiled as usual', async () => {
    // Node's recursive mkdir never returns under /proc; the launcher made its folder with it.
    for (const home of ['/proc/xend-suite-none/cache', join(top, 'missing', 'cache')]) {
      const r = await runBin(join(REPO, 'bin/xm'), ['--json', 'help'], { ...process.env, XDG_CACHE_HOME: home }, { timeoutMs: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(!existsSync(home), `${home} is not made`);
    }
  });

  test("the client's files are run by the launcher alone, without Node's module resolution", async () => {
    const { home, env } = fresh();
    // A trap in front of Node's loader: every request it resolves, as `request <- parent`.
    const trap = join(home, 'trap.cjs');
    const seen = join(home, 'seen');
    writeFileSync(
      trap,
      `const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  require('node:fs').appendFileSync(${JSON.stringify(seen)}, request + ' <- ' + (parent && parent.filename) + '\\n');
  return resolve.call(this, request, parent, ...rest);
};\n`,
    );
    // A dry run loads the create command's chunks, and they the core's; twice, with and without a cache.
    for (let i = 0; i < 2; i++) {
      const r = await runBin(join(REPO, 'bin/xm'), ['create', '-n', '/dev/null', 'memory=64'], { ...env, NODE_OPTIONS: `--require ${trap}` });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^\(vm\n/m);
    }
    const requests = readFileSync(seen, 'utf8').trim().split('\n');
    assert.ok(requests.includes(`${join(REPO, 'bin/xm')} <- null`), `the trap sees what Node loads: ${requests.join(', ')}`);
    const client = requests.filter((l) => /dist\/|\.cjs/.test(l));
    assert.deepEqual(client, [], 'no file of the client goes through Node\'s loader');
  });

  test('a dist/ that does not go with the launcher: an Error line and status 1, no stack', async () => {
    const { home, env } = fresh();
    const copy = join(home, 'install');
    for (const dir of ['bin', 'dist']) cpSync(join(REPO, dir), join(copy, dir), { recursive: true });
    rmSync(join(copy, 'dist/xm-list.cjs'));
    const missing = await runBin(join(copy, 'bin/xm'), ['list'], env);
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [1, '', `Error: ${join(copy, 'dist/xm-list.cjs')} cannot be read (ENOENT): run \`npm run build\`.\n`]);
    writeFileSync(join(copy, 'dist/xm.cjs'), "'use strict';\nmodule.exports = {};\n");
    const unwrapped = await runBin(join(copy, 'bin/xm'), ['info'], env);
    assert.deepEqual([unwrapped.code, unwrapped.stdout, unwrapped.stderr], [1, '', `Error: ${join(copy, 'dist/xm.cjs')} is from another build of xm: run \`npm run build\`.\n`]);
  });

  test('--version (or -V) first prints the client\'s line without loading the client or making a cache', async () => {
    const { dir, env } = fresh();
    const viaClient = await runBin(join(REPO, 'bin/xm'), ['--json', '--version'], env); // a leading global: main.ts answers
    assert.equal(viaClient.code, 0, viaClient.stderr);
    assert.match(viaClient.stdout, /^xm \S+ \(compatible with xm 4\.4\)\n$/);
    rmSync(dir, { recursive: true });
    for (const args of [['--version'], ['-V'], ['--version', 'list']]) {
      const r = await runBin(join(REPO, 'bin/xm'), args, env);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, viaClient.stdout, ''], args.join(' '));
    }
    assert.ok(!existsSync(dir), 'no cache folder: nothing of the client was compiled');
  });

  test("help (or --help, -h) first, and xm alone, print the client's texts without loading it; xm alone exits 1", async () => {
    const { dir, env } = fresh();
    // Leading globals: main.ts answers.
    const [long, short] = await Promise.all([runBin(join(REPO, 'bin/xm'), ['--json', 'help'], env), runBin(join(REPO, 'bin/xm'), ['--json'], env)]);
    assert.deepEqual([long.code, short.code], [0, 1]);
    assert.match(long.stdout, /^Usage: xm <subcommand> \[args\]\n[\s\S]*xm full list of subcommands:[\s\S]* vcpu-list /);
    assert.match(short.stdout, /^Usage: xm <subcommand> \[args\]\n[\s\S]*Common 'xm' commands:/);
    rmSync(dir, { recursive: true });
    for (const args of [['help'], ['--help'], ['-h'], ['help', 'list']]) {
      const r = await runBin(join(REPO, 'bin/xm'), args, env);
      assert.deepEqual([r.code, r.stdout, r.stderr], [0, long.stdout, ''], args.join(' '));
    }
    const alone = await runBin(join(REPO, 'bin/xm'), [], env);
    assert.deepEqual([alone.code, alone.stdout, alone.stderr], [1, short.stdout, '']);
    assert.ok(!existsSync(dir), 'no cache folder: nothing of the client was compiled');
  });
});

/**
 * Building process.stderr costs a run on a terminal ~5 ms (a TTY stream), and Node's socket
 * destroy builds it (it compares the socket with it): xm closes its connections after it exits.
 */
describe('a run that writes nothing to stderr never builds process.stderr', () => {
  let x: TestXend;
  const top = mkdtempSync(join(tmpdir(), 'xm-stderr-'));
  const trap = join(top, 'trap.cjs');
  const touched = join(top, 'touched');
  writeFileSync(
    trap,
    `const d = Object.getOwnPropertyDescriptor(process, 'stderr');
Object.defineProperty(process, 'stderr', { configurable: true, get() {
  require('node:fs').appendFileSync(${JSON.stringify(touched)}, new Error('process.stderr').stack + '\\n');
  Object.defineProperty(process, 'stderr', d);
  return d.get.call(process);
} });\n`,
  );
  const xm = (...args: string[]) => x.xmWith({ env: { NODE_OPTIONS: `--require ${trap}` } }, ...args);
  after(async () => {
    await x?.dispose();
    rmSync(top, { recursive: true, force: true });
  });

  test('list, create (three calls), list --long, vcpu-list, destroy; an error does build it', async () => {
    x = await TestXend.start();
    for (const args of [['list'], ['create', '/dev/null', 'name=quiet', 'memory=64'], ['list', '--long'], ['vcpu-list', 'quiet'], ['destroy', 'quiet']]) {
      const r = await xm(...args);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(touched), `${args.join(' ')}: ${existsSync(touched) ? readFileSync(touched, 'utf8') : ''}`);
    }
    const failed = await xm('list', 'no-such-domain');
    assert.notEqual(failed.code, 0);
    assert.ok(existsSync(touched), 'the trap sees what an error writes');
  });
});

/**
 * Node 20 and 22: for its first second a run stays at V8's baseline tiers unless it has a cache
 * to write, and V8 ties a cache to the flags it was made under: a file loaded while the
 * optimiser is held back (chalk, for an error on a terminal, after xend's answer) keeps a cache
 * of its own beside the one made without the flag, and neither is made anew run after run.
 */
describe("the launcher's caches with V8's optimiser held back", () => {
  let x: TestXend;
  const top = mkdtempSync(join(tmpdir(), 'xm-held-'));
  const hasScript = spawnSync('script', ['-qfec', 'true', '/dev/null']).status === 0;
  after(async () => {
    await x?.dispose();
    rmSync(top, { recursive: true, force: true });
  });

  test('an error on a terminal, four times: the caches settle after the second run', { skip: !hasScript && 'no script(1) to give xm a terminal' }, async () => {
    x = await TestXend.start();
    const env = { ...x.env, XDG_CACHE_HOME: top, NO_COLOR: '', TERM: 'xterm' };
    const quoted = [process.execPath, join(REPO, 'bin/xm'), 'list', 'no-such-domain'].map((w) => `'${w}'`).join(' ');
    const onTerminal = () => spawnSync('script', ['-qfec', `stty cols 80 rows 24; exec ${quoted}`, '/dev/null'], { env, encoding: 'utf8', timeout: 60_000 });
    const dir = join(top, 'xend-suite');
    const state = () => readdirSync(dir).sort().map((f) => `${f} ${statSync(join(dir, f)).mtimeMs}`);
    const seen: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const r = onTerminal();
      assert.match(r.stdout, /\x1b\[31mError:\x1b\[39m\x1b\[22m Domain 'no-such-domain' does not exist\./, r.stdout + r.stderr);
      seen.push(state());
    }
    assert.deepEqual(seen[3], seen[2], 'nothing written again');
    assert.deepEqual(seen[2], seen[1]);
    // The caches by the file they hold: the late chunks twice on Node 20 and 22, once on 24.
    const sources = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'latin1').split('\0', 1)[0]!);
    const late = sources.filter((s) => s !== join(REPO, 'dist/xm.cjs'));
    assert.ok(late.length > 0, 'chalk was loaded');
    const times = Number(process.versions.node.split('.')[0]) < 24 ? 2 : 1;
    for (const s of late) assert.equal(sources.filter((t) => t === s).length, times, s);
  });
});
