import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test("xm labels: xend's labels sorted, one a line; none under the dummy module", async () => {
  const r = await xm(['labels', 'pol', 'type=RES'], { 'xend.security.list_labels': () => ['b', 'a'] });
  assert.deepEqual([r.code, r.stdout, r.calls], [0, 'a\nb\n', [['xend.security.list_labels', ['pol', 'res']]]]);
  const none = await xm(['labels'], { 'xend.security.list_labels': () => [] });
  assert.deepEqual([none.code, none.stdout, none.calls[0]![1]], [0, '', ['', '']]);
});

test("xm labels: labels.py's refusals", async () => {
  for (const [args, message] of [
    [['type=dom', 'type=res'], 'type is definied twice'],
    [['p1', 'p2'], 'policy is defined twice'],
    [['a=b=c'], 'Unrecognised option: a=b=c'],
  ] as const) {
    const r = await xm(['labels', ...args]);
    assert.deepEqual([r.code, r.stderr, r.stdout], [1, `Error: ${message}\n`, usage('labels')]);
  }
});
