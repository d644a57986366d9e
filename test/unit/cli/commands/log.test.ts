import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test("xm log: xend's log with print's extra newline", async () => {
  const r = await xm(['log'], { 'xend.node.log': () => 'line 1\nline 2\n' });
  assert.deepEqual([r.code, r.stdout], [0, 'line 1\nline 2\n\n']);
  const j = await xm(['log', '--json'], { 'xend.node.log': () => 'x' });
  assert.equal(j.stdout, '{"version":1,"log":"x"}\n');
});
