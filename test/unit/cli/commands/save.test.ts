import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xm } from '../xm.js';
import { XendFaultError } from '../../../../src/transport/errors.js';

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

/** A save that xend cancels when asked (or, `slow`, never answers the cancel); resolves `started` once xend has it. */
function cancellableSave(slow = false) {
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  let cancel: () => void = () => {};
  const xend = {
    'xend.domain.save': () => {
      started();
      return new Promise((_, reject) => (cancel = () => reject(new XendFaultError(1, 'Save cancelled'))));
    },
    'xend.domain.migrateCancel': () => {
      if (!slow) cancel();
      return true;
    },
  };
  return { xend, running };
}

test('Ctrl-C during xm save asks xend to cancel it, waits for its answer and exits 130', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { xend, running } = cancellableSave();
  const run = xm(['save', '7', join(dir, 'web.chk')], xend, { interactiveStderr: true, env: { NO_COLOR: '1' } });
  await running;
  process.emit('SIGINT');
  const r = await run;
  assert.deepEqual([r.code, r.stdout, r.stderr], [130, '', 'Error: Save of 7 cancelled; the domain is as it was\n']);
  assert.deepEqual(r.calls.find(([m]) => m === 'xend.domain.migrateCancel'), ['xend.domain.migrateCancel', ['7']], 'by the domain as typed');
  assert.equal(process.listenerCount('SIGINT'), 0, 'Ctrl-C is left as it was');
});

test('a second Ctrl-C during xm save leaves at once, without the answer of xend', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-save-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { xend, running } = cancellableSave(true);
  const run = xm(['save', 'web', join(dir, 'web.chk')], xend);
  await running;
  process.emit('SIGINT');
  process.emit('SIGINT');
  const r = await run;
  assert.deepEqual([r.code, r.stderr], [130, 'Error: Stopped waiting for xend to cancel the save of web\n']);
  assert.equal(process.listenerCount('SIGINT'), 0);
});
