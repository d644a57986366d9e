import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainSxp, xm } from '../xm.js';
import { eventually } from '../../../helpers/xend.js';

test('xm start [-p] DOM: one call, silent; --json gives the record', async () => {
  const r = await xm(['start', '-p', 'web'], { 'xend.domain.start': () => 0 });
  assert.deepEqual([r.code, r.stdout, r.stderr, r.calls], [0, '', '', [['xend.domain.start', ['web', true]]]]);
  const j = JSON.parse((await xm(['start', '--json', 'web'], { 'xend.domain.start': () => 0, 'xend.domain': () => domainSxp({ name: 'web', domid: 8 }) })).stdout);
  assert.deepEqual([j.version, j.command, j.domain.name, j.domain.domid], [1, 'start', 'web', 8]);
});

test('xm start needs one domain', async () => {
  const r = await xm(['start']);
  assert.deepEqual([r.code, r.stderr], [1, "Error: 'xm start' requires 1 argument.\n\n"]);
});

test('xm start --vncviewer: a viewer of its own in the background, on the address xend reports; --vncviewer-autopass gives it the password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'start-vnc-'));
  try {
    writeFileSync(join(dir, 'vncviewer'), `#!/bin/sh\n[ "$1" != -autopass ] || cat > ${dir}/stdin.tmp\necho "$@" > ${dir}/args.tmp\nmv ${dir}/args.tmp ${dir}/args\n`);
    chmodSync(join(dir, 'vncviewer'), 0o755);
    const record = () => [...domainSxp({ name: 'web', domid: 8 }), ['device', ['vfb', ['vnc', '1'], ['vncpasswd', 'pw'], ['location', '127.0.0.1:5903']]]];
    const r = await xm(['start', '--vncviewer', '--vncviewer-autopass', 'web'], { 'xend.domain.start': () => 0, 'xend.domain': record }, { env: { PATH: `${dir}:/usr/bin:/bin` } });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
    assert.deepEqual(r.calls, [['xend.domain.start', ['web', false]], ['xend.domain', ['web', 1]]]);
    await eventually(async () => existsSync(join(dir, 'args')), 10_000);
    assert.equal(readFileSync(join(dir, 'args'), 'utf8'), '-autopass 127.0.0.1:3\n');
    assert.equal(readFileSync(join(dir, 'stdin.tmp'), 'utf8'), 'pw\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
