import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBin } from '../helpers/xend.js';

/** bin/xm compiles each file of the client with a V8 code cache of the user's own, made as the first run that loads it exits. */
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
  const xm = (env: NodeJS.ProcessEnv) => runBin(join(REPO, 'bin/xm'), ['--version'], env);
  const coreCache = (dir: string) => readdirSync(dir).filter((f) => f.startsWith(`xm-${process.version}-`));

  test('the first run writes the core cache (mode 0600 in a 0700 folder); the next runs use it as it is', async () => {
    const { dir, env } = fresh();
    const r = await xm(env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^xm \S+ \(compatible with xm 4\.4\)\n$/);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(coreCache(dir).length, 1, 'a cache of the core for this Node, and nothing else loaded');
    const file = join(dir, coreCache(dir)[0]!);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    // It names the build it was made from, then holds V8's data.
    assert.ok(readFileSync(file, 'latin1').startsWith(`${join(REPO, 'dist/xm.cjs')}\0`));
    const made = statSync(file).mtimeMs;
    const again = await xm(env);
    assert.equal(again.stdout, r.stdout);
    assert.equal(statSync(file).mtimeMs, made, 'an accepted cache is not written again');
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

  test('a cache folder others may write is not used, nor a home that cannot hold one: the client compiles as usual', async () => {
    const { home, dir, env } = fresh();
    mkdirSync(dir, { mode: 0o777 });
    chmodSync(dir, 0o777);
    const r = await xm(env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(dir), [], 'nothing written where others could change it');
    assert.ok(existsSync(home));
    const none = await runBin(join(REPO, 'bin/xm'), ['--version'], { ...env, XDG_CACHE_HOME: '/dev/null' });
    assert.equal(none.code, 0, none.stderr);
    assert.equal(none.stderr, '');
  });
});
