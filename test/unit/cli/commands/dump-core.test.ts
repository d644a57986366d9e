import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test('xm dump-core DOM [FILE]: says so first, then xend writes it', async () => {
  const r = await xm(['dump-core', '-L', 'web', 'core'], { 'xend.domain.dump': () => '/tmp/core' }, { cwd: '/tmp' });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Dumping core of domain: web ...\n', '']);
  assert.deepEqual(r.calls, [['xend.domain.dump', ['web', '/tmp/core', true, false, false]]]);
  const j = await xm(['dump-core', '--json', 'web'], { 'xend.domain.dump': () => '/var/xen/dump/web.core' });
  assert.equal(j.stdout, '{"version":1,"domain":"web","file":"/var/xen/dump/web.core","live":false,"crash":false,"reset":false}\n');
});

test("xm dump-core's own argument errors", async () => {
  for (const [argv, message] of [
    [[], 'Expects 1 or 2 argument(s)'],
    [['a', 'b', 'c'], 'Expects 1 or 2 argument(s)'],
    [['-C', '-R', 'web'], "You may not specify more than one '-CR' option"],
  ] as const) {
    const r = await xm(['dump-core', ...argv]);
    assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, `Error: ${message}\n`, usage('dump-core'), []], argv.join(' '));
  }
});
