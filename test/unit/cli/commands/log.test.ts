import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xm } from '../xm.js';

test("xm log: xend's log with print's extra newline", async () => {
  const r = await xm(['log'], { 'xend.node.log': () => 'line 1\nline 2\n' });
  assert.deepEqual([r.code, r.stdout], [0, 'line 1\nline 2\n\n']);
  const j = await xm(['log', '--json'], { 'xend.node.log': () => 'x' });
  assert.equal(j.stdout, '{"version":1,"log":"x"}\n');
});

test("xm log with any word, an option too: arg_check's message before getopt's", async () => {
  for (const w of ['--frob', 'x']) {
    const r = await xm(['log', w]);
    assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm log' requires 0 arguments.\n\n"], w);
    assert.equal(r.stdout, 'Usage: xm log \n\nPrint Xend log\n');
  }
});
