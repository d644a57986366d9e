// A one-shot xm's cue before a large reply (src/cli/short-run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilersStopForLargeReplies, LARGE_REPLY_BYTES } from '../../../src/cli/short-run.js';

test("a large reply stops V8's compilers once and says so; a small one changes nothing", () => {
  const set: string[] = [];
  let changed = 0;
  const before = compilersStopForLargeReplies(() => changed++, (f) => set.push(f), true)!;
  before(LARGE_REPLY_BYTES - 1);
  assert.deepEqual([set, changed], [[], 0]);
  before(LARGE_REPLY_BYTES);
  before(10 * LARGE_REPLY_BYTES);
  assert.deepEqual([set, changed], [['--max-opt=0'], 1]);
});

test('on a Node line where it does not pay there is nothing to call', () => {
  assert.equal(compilersStopForLargeReplies(() => {}, () => assert.fail('no flag is set'), false), undefined);
});
