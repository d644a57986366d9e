// A one-shot xm's cue before a large reply (src/cli/short-run.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compilersStopForLargeReplies, LARGE_REPLY_BYTES } from '../../../src/cli/short-run.js';

test("a large reply stops V8's compilers once, saying so first; a small one changes nothing", () => {
  const seen: string[] = [];
  const before = compilersStopForLargeReplies(() => seen.push('changing'), (f) => seen.push(f), true)!;
  before(LARGE_REPLY_BYTES - 1);
  assert.deepEqual(seen, []);
  before(LARGE_REPLY_BYTES);
  before(10 * LARGE_REPLY_BYTES);
  assert.deepEqual(seen, ['changing', '--max-opt=0']);
});

test('on a Node line where it does not pay there is nothing to call', () => {
  assert.equal(compilersStopForLargeReplies(() => {}, () => assert.fail('no flag is set'), false), undefined);
});
