import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usage, xm } from '../xm.js';

test('xm dry-run FILE: with security off an unlabeled domain and its disks are permitted; xend not asked', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dry-run-'));
  writeFileSync(join(dir, 'd.cfg'), "name='d1'\nmemory=64\ndisk=['file:/srv/d1.img,xvda,w', 'phy:/dev/vg/d1,xvdb,r']\n");
  const r = await xm(['dry-run', 'd.cfg'], {}, { cwd: dir });
  assert.deepEqual([r.code, r.stderr, r.calls], [0, '', []]);
  assert.equal(
    r.stdout,
    `Using config file "./d.cfg".\nChecking domain:\n   d1: PERMITTED\nChecking resources:\n   file:/srv/d1.img: PERMITTED\n   phy:/dev/vg/d1: PERMITTED\nDry Run: PASSED\n`,
  );
});

test('xm dry-run takes one config file', async () => {
  const r = await xm(['dry-run']);
  assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: Invalid number of arguments\n', usage('dry-run')]);
});
