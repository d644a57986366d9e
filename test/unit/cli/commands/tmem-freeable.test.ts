import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test('xm tmem-freeable prints the MiB xend answers', async () => {
  const r = await xm(['tmem-freeable'], { 'xend.node.tmem_query_freeable_mb': () => 72 });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, '72\n', [['xend.node.tmem_query_freeable_mb', []]]]);
  const j = await xm(['tmem-freeable', '--json'], { 'xend.node.tmem_query_freeable_mb': () => 0 });
  assert.equal(j.stdout, '{"version":1,"freeable_mib":0}\n');
});
