import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../helpers/xend.js';

// README's first command: the demo must run to its end (it stops at the first failing step).
test('npm run demo: every step succeeds, the live migration included', async () => {
  const { XEND_ROOT: _root, XM_SERVER: _server, XEND_CONFIG: _config, ...env } = process.env;
  const r = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile('bash', [join(REPO, 'examples/demo.sh')], { env, cwd: REPO, timeout: 240_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /^Error:/m);
  assert.match(r.stderr, /^\$ xm migrate -l -p \d+ guest2 localhost\n\$ xm list\n/m, 'the migration printed nothing but its command');
  assert.match(r.stdout, /^Domain guest1 terminated$/m);
});
