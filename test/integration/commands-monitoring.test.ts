import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO, TestXend } from '../helpers/xend.js';
import { Tmux, killTmuxServer } from '../helpers/tmux.js';
import { ok, refused, unknown, json, xendWithGuests } from '../helpers/xm-checks.js';

/** Watching domains end to end: domstate, top (piped and on a terminal), the shutdown -w spinner. */

describe('xm: domstate, top, progress on a terminal', () => {
  let x: TestXend;
  before(async () => {
    x = await xendWithGuests(['name=g1', 'memory=128', 'vcpus=2']);
  });
  after(() => x.dispose());

  test('domstate: one word per state', async () => {
    assert.equal((await x.xm('domstate', 'Domain-0')).stdout, 'running\n');
    assert.equal((await x.xm('domstate', 'g1')).stdout, 'idle\n');
    ok(await x.xm('pause', 'g1'));
    assert.equal((await x.xm('domstate', 'g1')).stdout, 'paused by admin\n', 'xm pause sets the pause flag (issue 15)');
    ok(await x.xm('unpause', 'g1'));
    ok(await x.xm('create', '/dev/null', 'name=ds', 'memory=64', 'on_poweroff=preserve'));
    ok(await x.xm('shutdown', '-w', 'ds'));
    // xm_domstate: a shut-down domain ('s') is "shutoff"; "shutdown" is a dying one ('d').
    assert.equal((await x.xm('domstate', 'ds')).stdout, 'shutoff\n');
    const doc = await json(x, 'domstate', 'domstate', 'ds');
    assert.equal(doc.state, 'shutoff');
    ok(await x.xm('destroy', 'ds'));
    unknown(await x.xm('domstate', 'ds'), 'ds');
  });

  test('top: a snapshot when not on a terminal, in xentop\'s layout; --json; -i N frames', async () => {
    const r = await x.xm('top');
    ok(r);
    const lines = r.stdout.split('\n');
    assert.match(lines[0]!, /^xentop - \d\d:\d\d:\d\d {3}Xen 4\.4\.4$/);
    assert.match(lines[1]!, /^\d+ domains: \d+ running, \d+ blocked, 0 paused, 0 crashed, 0 dying, 0 shutdown $/);
    assert.match(lines[2]!, /^Mem: 4194304k total, \d+k used, \d+k free {4}CPUs: 4 @ 2400MHz$/);
    assert.equal(lines[3], '      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID');
    assert.match(lines[4]!, /^ {2}Domain-0 -----r +\d+ +\d+\.\d +\d+ +\d+\.\d +\d+ +\d+\.\d +4 +0 +0 +0 +0 +0 +0 +0 +0 +0 +0$/);
    assert.equal(lines[4]!.length, lines[3]!.length);
    assert.ok(lines.some((l) => /^ {8}g1 --b--- /.test(l)));
    const once = await x.xm('top', '--once');
    assert.equal(once.stdout.split('\n').length, lines.length);
    const two = await x.xm('top', '-i', '2', '-d', '0.2');
    assert.equal(two.stdout.match(/^xentop - /gm)?.length, 2);
    const doc = await json(x, 'top', 'top');
    assert.ok(doc.domains.some((d: { name: string; state: string }) => d.name === 'Domain-0' && d.state === '-----r'));
    refused(await x.xm('top', '-d', 'soon'), 'Invalid argument.', 'top');
    assert.equal((await x.xm('top', 'g1')).stderr, "Error: 'xm top' requires 0 arguments.\n\n");
  });

  test('shutdown -w on a terminal: the spinner is erased before each line, none of its frames is left', async () => {
    const socket = x.path('tmux-spin.sock');
    const xm = `node ${join(REPO, 'bin/xm')}`;
    const t = new Tmux(socket, `${xm} create -q /dev/null name=spin memory=64 && ${xm} shutdown -w spin; echo EXITED $?; sleep 30`, x.env);
    try {
      const screen = await t.waitFor(/EXITED \d/);
      assert.match(screen, /^Domain spin terminated\nAll domains terminated\nEXITED 0$/m);
      assert.doesNotMatch(screen, /Waiting for/, 'the spinner left nothing on the screen');
    } finally {
      t.kill();
      killTmuxServer(socket);
    }
  });

  test('top on a terminal: redrawn every DELAY seconds until q', async () => {
    const socket = x.path('tmux.sock');
    const t = new Tmux(socket, `node ${join(REPO, 'bin/xm')} top -d 0.3; echo EXITED $?; sleep 30`, x.env);
    try {
      const first = await t.waitFor(/Delay 0\.3 secs; q quits/);
      assert.match(first, /^xentop - \d\d:\d\d:\d\d {3}Xen 4\.4\.4$/m);
      assert.match(first, /^ {2}Domain-0 -----r /m);
      const stamp = /xentop - (\S+)/.exec(first)![1];
      await t.waitFor(new RegExp(`xentop - (?!${stamp})\\d`));
      t.send('q');
      await t.waitFor(/EXITED 0/);
    } finally {
      t.kill();
      killTmuxServer(socket);
    }
  });
});
