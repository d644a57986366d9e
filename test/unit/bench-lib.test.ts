/** A benchmark row is its subject's figure over its baseline's, both of the same run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const lib = pathToFileURL(join(import.meta.dirname, '../../../bench/lib.mjs')).href;
const { ratioRow, median } = (await import(lib)) as {
  ratioRow: (r: Record<string, unknown>) => Record<string, unknown>;
  median: (xs: number[]) => number;
};

test('ratioRow: the ratio of the two medians it is given, in ms and lower-is-better unless said', () => {
  const subject = median([130, 120, 400]);
  const base = median([100, 90, 110]);
  assert.deepEqual(ratioRow({ id: 'latency.x', what: 'xm x', baseline: 'node -e 0', subject, base, target: 1.15, n: 3 }), {
    id: 'latency.x',
    what: 'xm x',
    baseline: 'node -e 0',
    unit: 'ms',
    better: 'lower',
    subject: 130,
    base: 100,
    ratio: 1.3,
    target: 1.15,
    n: 3,
  });
  const up = ratioRow({ id: 'r', subject: 9, base: 10, better: 'higher', unit: 'MB/s', note: 'why' });
  assert.equal(up.ratio, 0.9);
  assert.equal(up.better, 'higher');
  assert.equal(up.note, 'why');
  assert.equal(up.target, null, 'no target unless one is given');
});
