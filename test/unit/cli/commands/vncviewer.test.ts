import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { domainSxp, fault, usage, xm } from '../xm.js';

const vfb = (...kv: [string, string][]) => ['device', ['vfb', ['vnc', '1'], ...kv]];
const withVnc = (location: string, ...kv: [string, string][]) => () => [...domainSxp({ name: 'web', domid: 4 }), ['device', ['vkbd']], vfb(['location', location], ...kv)];

test('xm vncviewer --json: the address of the vfb location xend reports, asked with full=1', async () => {
  const r = await xm(['vncviewer', '--json', 'web'], { 'xend.domain': withVnc('127.0.0.1:5901') });
  assert.equal(r.stdout, '{"version":1,"domain":"web","host":"127.0.0.1","port":5901,"display":"127.0.0.1:1"}\n');
  assert.deepEqual(r.calls, [['xend.domain', ['web', 1]]]);
  const v6 = await xm(['vncviewer', '--json', 'web'], { 'xend.domain': withVnc('::1:5900') });
  assert.match(v6.stdout, /"host":"::1","port":5900,"display":"\[::1\]:0"/);
  const low = await xm(['vncviewer', '--json', 'web'], { 'xend.domain': withVnc('localhost:5000') });
  assert.match(low.stdout, /"display":"localhost::5000"/);
  const odd = await xm(['vncviewer', 'web'], { 'xend.domain': withVnc('-via evil:5900') });
  assert.deepEqual([odd.code, odd.stderr], [1, "Error: Domain 'web' has a VNC location xm cannot read: -via evil:5900\n"]);
});

test("xm vncviewer runs vncviewer HOST:DISPLAY after xm's line; --autopass gives the password on its input; its status is xm's", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vncviewer-'));
  try {
    writeFileSync(join(dir, 'vncviewer'), `#!/bin/sh\necho "$@" > ${dir}/args\n[ "$1" != -autopass ] || cat > ${dir}/stdin\n`);
    chmodSync(join(dir, 'vncviewer'), 0o755);
    const env = { PATH: `${dir}:/usr/bin:/bin` };
    const r = await xm(['vncviewer', 'web'], { 'xend.domain': withVnc('127.0.0.1:5902', ['vncpasswd', 'sekrit']) }, { env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'invoking  vncviewer 127.0.0.1:2\n', '']);
    assert.equal(readFileSync(join(dir, 'args'), 'utf8'), '127.0.0.1:2\n');
    for (const flag of ['--autopass', '--vncviewer-autopass']) {
      const a = await xm(['vncviewer', flag, 'web'], { 'xend.domain': withVnc('127.0.0.1:5902', ['vncpasswd', 'sekrit']) }, { env });
      assert.deepEqual([a.code, a.stdout], [0, 'invoking  vncviewer -autopass 127.0.0.1:2\n']);
      assert.equal(readFileSync(join(dir, 'stdin'), 'utf8'), 'sekrit\n');
    }
    writeFileSync(join(dir, 'vncviewer'), '#!/bin/sh\nexit 7\n');
    const failed = await xm(['vncviewer', 'web'], { 'xend.domain': withVnc('127.0.0.1:5902') }, { env });
    assert.deepEqual([failed.code, failed.stderr], [7, '']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("xm vncviewer without a vncviewer on PATH: xm's message, exit status 255", async () => {
  const r = await xm(['vncviewer', 'web'], { 'xend.domain': withVnc('127.0.0.1:5900') }, { env: { PATH: '/nonexistent' } });
  assert.deepEqual([r.code, r.stdout, r.stderr], [255, 'invoking  vncviewer 127.0.0.1:0\n', 'Error: external vncviewer missing or not in the path\nExiting\n']);
});

test('xm vncviewer of a domain without a VNC server, one not running, one unknown', async () => {
  const none = await xm(['vncviewer', 'web'], { 'xend.domain': () => [...domainSxp({ name: 'web', domid: 4 }), vfb(['vnclisten', '127.0.0.1'])] });
  assert.deepEqual([none.code, none.stdout], [1, '']);
  assert.equal(none.stderr, "Error: Domain 'web' has no VNC server (no vfb device with vnc=1, or its backend gives none)\n");
  const off = await xm(['vncviewer', 'web'], { 'xend.domain': () => domainSxp({ name: 'web', domid: null }).filter((kv) => !(Array.isArray(kv) && kv[0] === 'domid')) });
  assert.deepEqual([off.code, off.stderr], [1, "Error: Domain 'web' is not started\n"]);
  const ghost = await xm(['vncviewer', 'ghost'], { 'xend.domain': (d: string) => fault(3, d) });
  assert.deepEqual([ghost.code, ghost.stderr], [3, "Error: Domain 'ghost' does not exist.\n"]);
});

test("xm vncviewer's argument errors, in xm's words", async () => {
  for (const argv of [['vncviewer'], ['vncviewer', 'a', 'b']]) {
    const r = await xm(argv);
    assert.deepEqual([r.code, r.stderr, r.stdout], [1, 'Error: No domain given (or several parameters specified)\n', usage('vncviewer')]);
  }
  const bad = await xm(['vncviewer', '--autopas', 'web']);
  assert.equal(bad.code, 1);
});
