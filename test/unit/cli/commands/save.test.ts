import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xm } from '../xm.js';

test('xm save [-c] DOM FILE: the path made absolute from the working directory; silent', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = await xm(['save', 'web', 'web.chk'], { 'xend.domain.save': () => 0 }, { cwd: dir });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [['xend.domain.save', ['web', join(dir, 'web.chk'), false]]]);
  const c = await xm(['save', '-c', '--json', 'web', 'w2'], { 'xend.domain.save': () => 0 }, { cwd: dir });
  assert.equal(c.stdout, `${JSON.stringify({ version: 1, domain: 'web', file: join(dir, 'w2'), checkpoint: true })}\n`);
});

test('xm save into a folder it cannot write: refused before xend is asked', async () => {
  const r = await xm(['save', 'web', '/nonexistent-dir/web.chk']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, 'Error: xm save: Unable to create file /nonexistent-dir/web.chk\n');
  assert.equal(r.stdout, '');
  assert.deepEqual(r.calls, []);
});

test('xm save with one argument', async () => {
  const r = await xm(['save', 'web']);
  assert.equal(r.code, 1);
  assert.equal(r.stderr, "Error: 'xm save' requires between 2 and 3 arguments.\n\n");
  assert.match(r.stdout, /^Usage: xm save \[-c\] <Domain> <CheckpointFile>\n/);
});

test("xm save with a third word: it passes arg_check, then is xm_save's 'Wrong number of parameters'", async () => {
  const r = await xm(['save', 'web', '/tmp/web.chk', 'extra']);
  assert.deepEqual([r.code, r.stderr, r.calls], [1, 'Error: Wrong number of parameters\n', []]);
});

test('xm save on a terminal ends with a summary on stderr (the file size when the file is here too); nothing on a pipe', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'web.chk');
  const save = { 'xend.domain.save': () => void writeFileSync(file, Buffer.alloc(3 * 1024 * 1024)) };
  const tty = await xm(['save', 'web', file], save, { interactiveStderr: true });
  assert.equal(tty.code, 0);
  assert.match(tty.stderr, new RegExp(`^Saved web to ${file} in \\d+\\.\\d s, 3\\.0 MiB\\n$`));
  const pipe = await xm(['save', 'web', file], save);
  assert.deepEqual([pipe.stdout, pipe.stderr], ['', '']);
});
