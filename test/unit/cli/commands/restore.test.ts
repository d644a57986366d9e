import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainSxp, xm } from '../xm.js';

test('xm restore FILE [-p]: silent; --json gives the domain it made', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-restore-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'web.chk'), 'x');
  const back = { 'xend.domain.restore': () => domainSxp({ name: 'web', domid: 7, state: '--p---', status: 1 }) };
  const r = await xm(['restore', 'web.chk', '-p'], back, { cwd: dir });
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.deepEqual(r.calls, [['xend.domain.restore', [join(dir, 'web.chk'), true]]]);
  const j = JSON.parse((await xm(['restore', '--json', 'web.chk'], back, { cwd: dir })).stdout);
  assert.deepEqual([j.version, j.file, j.domain.name, j.domain.domid, j.domain.power_state], [1, join(dir, 'web.chk'), 'web', 7, 'paused']);
});

test('xm restore of a file it cannot read', async () => {
  const r = await xm(['restore', '/nonexistent/web.chk']);
  assert.deepEqual([r.code, r.stderr, r.stdout, r.calls], [1, 'Error: xm restore: Unable to read file /nonexistent/web.chk\n', '', []]);
});

test('xm restore without a file', async () => {
  const r = await xm(['restore']);
  assert.equal(r.stderr, "Error: 'xm restore' requires between 1 and 2 arguments.\n\n");
  assert.match(r.stdout, /^Usage: xm restore <CheckpointFile> \[-p\]\n/);
});

test('xm restore on a terminal asks xend how far it read the file (by its path) and ends with a summary; on a pipe it asks nothing', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'xm-restore-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'web.chk');
  writeFileSync(file, Buffer.alloc(2 * 1024 * 1024));
  const domain = domainSxp({ name: 'web', domid: 7 });
  let asked!: () => void;
  const xend = {
    // Restored once xm has seen some progress.
    'xend.domain.restore': () => new Promise((r) => (asked = () => r(domain))),
    'xend.domain.migrateProgress': () => {
      asked();
      return { file, phase: 'reading', bytesRead: 1024 * 1024, totalBytes: 2 * 1024 * 1024, elapsedMs: 500 };
    },
  };
  const tty = await xm(['restore', file], xend, { interactiveStderr: true });
  assert.equal(tty.code, 0);
  assert.match(tty.stderr, new RegExp(`^Restored web from ${file} in \\d+\\.\\d s, 2\\.0 MiB\\n$`));
  assert.deepEqual(tty.calls.find(([m]) => m === 'xend.domain.migrateProgress'), ['xend.domain.migrateProgress', [file]]);
  const pipe = await xm(['restore', file], { 'xend.domain.restore': () => domain });
  assert.deepEqual([pipe.stdout, pipe.stderr, pipe.calls.map(([m]) => m)], ['', '', ['xend.domain.restore']]);
});
