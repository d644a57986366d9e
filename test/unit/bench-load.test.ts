/** The load benchmark's CPU figures are ratios against a baseline measured in the same run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Row {
  id: string;
  subject?: number;
  base?: number;
  ratio?: number;
  n?: number;
  unavailable?: string;
}
const loadBench = pathToFileURL(join(import.meta.dirname, '../../../bench/load.mjs')).href;
const { cpuRows } = (await import(loadBench)) as { cpuRows: (cpuMs: Record<string, number[]>, conns: number) => Row[] };

test("xend's CPU per request is the median of this run's rounds over the same run's Python median", () => {
  const run = { 'xend tcp': [2, 9, 3], 'python keep-alive': [6, 5, 7], 'python bytes': [1, 4, 2] };
  const [ka, bytes] = cpuRows(run, 8);
  assert.deepEqual([ka!.subject, ka!.base, ka!.ratio, ka!.n], [3, 6, 0.5, 3]);
  assert.deepEqual([bytes!.subject, bytes!.base, bytes!.ratio], [3, 2, 1.5]);
  // Another run's baseline changes the ratio: nothing is kept between runs.
  assert.equal(cpuRows({ ...run, 'python bytes': [3, 3, 3] }, 8)[1]!.ratio, 1);
});

test('without a baseline measured in the run there is no ratio', () => {
  const rows = cpuRows({ 'xend tcp': [2, 3], 'python keep-alive': [], 'python bytes': [] }, 8);
  assert.ok(rows.every((r) => r.unavailable && r.ratio === undefined));
});
