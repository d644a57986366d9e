import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as Module from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBin } from '../helpers/xend.js';

/** bin/xm picks how the client is compiled: Node's own compile cache on 22+, the build's V8 code cache on 20. */
describe('bin/xm, the launcher', () => {
  const home = mkdtempSync(join(tmpdir(), 'xm-launcher-'));
  const cache = join(home, 'xend-suite', 'compile-cache');
  const env = { ...process.env, XDG_CACHE_HOME: home, XEND_ROOT: home };
  after(() => rmSync(home, { recursive: true, force: true }));

  test('runs the client; on Node 22+ keeps its compile cache per user, mode 0700', async () => {
    const r = await runBin(join(REPO, 'bin/xm'), ['--version'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^xm \S+ \(compatible with xm 4\.4\)\n$/);
    if (!('enableCompileCache' in Module)) {
      assert.equal(existsSync(cache), false, 'Node 20 has no compile cache: nothing is written');
      return;
    }
    assert.equal(statSync(cache).mode & 0o777, 0o700);
    // Node writes the cache as the process exits: the client's own bundle is in it.
    assert.ok(readdirSync(cache, { recursive: true }).length > 0, 'the compile cache holds the compiled client');
    const again = await runBin(join(REPO, 'bin/xm'), ['--version'], env);
    assert.equal(again.stdout, r.stdout);
  });

  test('a cache home that cannot hold a folder is not an error: the client compiles as usual', async () => {
    const r = await runBin(join(REPO, 'bin/xm'), ['--version'], { ...env, XDG_CACHE_HOME: '/dev/null' });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
  });
});
