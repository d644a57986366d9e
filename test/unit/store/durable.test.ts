// The one durable-write utility (src/store/durable.ts).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DurableDir, removeFile, renameFile, writeFileDurably } from '../../../src/store/durable.js';

const dir = mkdtempSync(join(tmpdir(), 'xend-durable-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a file is replaced whole, private unless a mode is asked, and no temp file stays', () => {
  const path = join(dir, 'status');
  writeFileDurably(path, 'one');
  writeFileDurably(path, 'two');
  assert.equal(readFileSync(path, 'utf8'), 'two');
  assert.equal(statSync(path).mode & 0o777, 0o600);
  const pid = join(dir, 'xend.pid');
  writeFileDurably(pid, '42', 0o644);
  assert.equal(statSync(pid).mode & 0o777, 0o644 & ~process.umask());
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
});

test('a write that fails is reported and leaves the old contents and no temp file', () => {
  const path = join(dir, 'config');
  writeFileDurably(path, 'old');
  // The rename cannot replace a directory: the error reaches the caller.
  const blocked = join(dir, 'blocked');
  mkdirSync(blocked);
  assert.throws(() => writeFileDurably(blocked, 'new'), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
  assert.equal(existsSync(`${blocked}.tmp`), false);
  assert.throws(() => writeFileDurably(join(dir, 'missing', 'x'), 'new'), /ENOENT/);
  assert.equal(readFileSync(path, 'utf8'), 'old');
});

test('renames and removals are durable and a removal of nothing is no error', () => {
  const from = join(dir, 'checkpoint.tmp');
  const to = join(dir, 'checkpoint');
  writeFileSync(from, 'image');
  renameFile(from, to);
  assert.equal(readFileSync(to, 'utf8'), 'image');
  removeFile(to);
  removeFile(to);
  assert.equal(existsSync(to), false);
});

test('a directory of records drops a write a crash cut short and sets an unreadable record aside', () => {
  const records = join(dir, 'records');
  const first = new DurableDir<{ n: number }>(records);
  first.write('a', { n: 1 });
  writeFileSync(join(records, 'b.json.tmp'), '{"n":');
  writeFileSync(join(records, 'c.json'), 'not json');
  const reported: string[] = [];
  const again = new DurableDir<{ n: number }>(records);
  assert.deepEqual(again.readAll((m) => reported.push(m)), [{ n: 1 }]);
  assert.equal(reported.length, 1);
  assert.ok(existsSync(join(records, 'c.json.corrupt')));
  assert.equal(existsSync(join(records, 'b.json.tmp')), false);
});

test("records that need outlive only xend are written, renamed and removed as atomically, the old record kept when a write fails", () => {
  const records = join(dir, 'running');
  const store = new DurableDir<{ n: number }>(records, 'xend');
  store.write('1', { n: 1 });
  store.write('1', { n: 2 });
  assert.deepEqual(store.read('1'), { n: 2 });
  mkdirSync(join(records, '2.json'));
  assert.throws(() => store.write('2', { n: 3 }), /EISDIR|EEXIST|ENOTEMPTY|EPERM/);
  rmSync(join(records, '2.json'), { recursive: true });
  store.rename('1', '3');
  assert.deepEqual(store.keys(), ['3']);
  store.remove('3');
  store.remove('3');
  assert.deepEqual(readdirSync(records), []);
});
