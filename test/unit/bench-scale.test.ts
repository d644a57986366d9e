/** The scale benchmark's rows are ratios against a baseline measured in the same run, their targets the bounds as ratios. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

interface Row {
  id: string;
  subject: number;
  base: number;
  ratio: number;
  target: number | null;
  note: string;
}
interface Window {
  c: number;
  o: number;
}
const scaleBench = pathToFileURL(join(import.meta.dirname, '../../../bench/scale.mjs')).href;
const bench = (await import(scaleBench)) as {
  guestsFor: (argv: string[]) => number;
  createEndRow: (first: Window, last: Window, guests: number) => Row;
  rssRow: (id: string, what: string, baseline: string, kib: number, baseKib: number, extra: number, withTarget: boolean) => Row;
  restartRow: (largeMs: number, smallMs: number, guests: number, n: number) => Row;
};

test('10,000 guests, 2,000 with --quick', () => {
  assert.equal(bench.guestsFor(['--only', 'scale']), 10000);
  assert.equal(bench.guestsFor(['--quick']), 2000);
});

test('the last creates are measured against the first ones of the same xend', () => {
  const row = bench.createEndRow({ c: 2, o: 0.2 }, { c: 2.4, o: 0.3 }, 10000);
  assert.deepEqual([row.subject, row.base, row.ratio, row.target], [2.4, 2, 1.2, 1.25]);
  assert.match(row.note, /first ≤3 ms ok, last ≤3 ms ok/);
  assert.match(bench.createEndRow({ c: 2, o: 0.2 }, { c: 3.5, o: 0.3 }, 10000).note, /last >3 ms MISS/);
});

test("RSS is against the same run's baseline worker; the target is 30 KiB a guest over it", () => {
  const row = bench.rssRow('rss-10000', 'w', 'b', 60 * 1024 + 250_000, 60 * 1024, 10000, true);
  assert.equal(row.ratio, (60 * 1024 + 250_000) / (60 * 1024));
  assert.equal(row.target, Math.floor(((60 * 1024 + 300_000) / (60 * 1024)) * 100) / 100);
  assert.ok(row.ratio <= row.target!);
  assert.match(row.note, /^25\.0 KiB\/guest/);
  // Another baseline, another target: nothing is kept between runs.
  assert.notEqual(bench.rssRow('x', 'w', 'b', 200_000, 100_000, 10000, true).target, row.target);
  assert.equal(bench.rssRow('x', 'w', 'b', 200_000, 100_000, 10, false).target, null);
});

test('a restart adopting every guest is against a restart with 10; the target is 2 s as a ratio to it', () => {
  const row = bench.restartRow(1500, 500, 10000, 3);
  assert.deepEqual([row.subject, row.base, row.ratio, row.target], [1500, 500, 3, 4]);
  assert.ok(bench.restartRow(2500, 500, 10000, 3).ratio > row.target!);
});
