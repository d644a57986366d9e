import { test } from 'node:test';
import assert from 'node:assert/strict';
import { usage, xm } from '../xm.js';

test("xm resources: each labeled resource in resources.py's layout; none under the dummy module", async () => {
  const none = await xm(['resources'], { 'xend.security.get_labeled_resources': () => ({}) });
  assert.deepEqual([none.code, none.stdout], [0, '']);
  const r = await xm(['resources'], { 'xend.security.get_labeled_resources': () => ({ 'file:/x': ['p', 'l'], 'phy:/dev/sda': ['ACM', 'q', 'm'] }) });
  assert.equal(r.stdout, 'file:/x\n      type: ACM\n    policy: p\n    label:  l\nphy:/dev/sda\n      type: ACM\n    policy: q\n    label:  m\n');
});

test('xm resources takes no argument', async () => {
  const r = await xm(['resources', 'x']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: No arguments required\n', usage('resources')]);
});
