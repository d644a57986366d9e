import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, eventually, type TestXend } from './xend.js';
import { startXendOver, type TransportName } from './transports.js';
import { Tmux, killTmuxServer } from './tmux.js';

const XM = `node ${join(REPO, 'bin/xm')}`;

/** Presses Enter until the guest's prompt shows: the console is attached and the shell answers. */
async function attached(t: Tmux, name: string): Promise<void> {
  try {
    await eventually(async () => {
      t.send('', 'Enter');
      await new Promise((r) => setTimeout(r, 200));
      return new RegExp(`root@${name}:~# *$`, 'm').test(t.screen());
    });
  } catch {
    throw new Error(`console to ${name} never answered; screen:\n${t.screen()}`);
  }
}

/** `xm console` on a real pseudo-terminal, run once per transport (console-<transport>.test.ts). */
export function consoleSuite(transport: TransportName): void {
  describe(`xm console over ${transport}`, () => {
    let x: TestXend;
    let socket: string;
    const terminals: Tmux[] = [];
    const term = (command: string) => {
      const t = new Tmux(socket, command, x.env);
      terminals.push(t);
      return t;
    };
    before(async () => {
      x = await startXendOver(transport, '(console-limit 64)\n');
      socket = x.path('tmux.sock');
    });
    after(async () => {
      for (const t of terminals) t.kill();
      killTmuxServer(socket);
      await x.dispose();
    });

    test('create -c shows the boot log from its first line, then a shell that answers', async () => {
      const t = term(`${XM} create -c /dev/null name=con1 memory=64; echo EXITED $?; sleep 60`);
      const boot = await t.waitFor(/root@con1:~# *$/m);
      assert.match(boot, /^Using config file "\/dev\/null"\.\nStarted domain con1 \(id=\d+\)\nEscape character is \^\]\n\[ {4}0\.000000\] Linux version /m);
      assert.match(boot, /con1 login: root \(automatic login\)/);
      t.send('foo=bar; echo $foo', 'Enter');
      await t.waitFor(/^bar\s*$/m);
      t.send('uname -n', 'Enter');
      await t.waitFor(/^con1\s*$/m);
      t.send('', 'C-]');
      // Detached on a fresh line: the shell's output does not land on the guest's prompt.
      await t.waitFor(/^root@con1:~# *\nEXITED 0$/m);
    });

    test('attach, type, detach with Ctrl-]: the terminal is restored', async () => {
      const before = x.path('before.stty');
      const afterwards = x.path('after.stty');
      const t = term(`stty -g > ${before}; ${XM} console con1; echo DETACHED $?; stty -g > ${afterwards}; sleep 60`);
      await attached(t, 'con1');
      t.send('cat /proc/cpuinfo', 'Enter');
      await t.waitFor(/^processor\s+: 0\s*$/m);
      t.send('', 'C-]');
      await t.waitFor(/DETACHED 0\s*$/m);
      await eventually(async () => readFileSync(afterwards, 'utf8').length > 0);
      assert.equal(readFileSync(afterwards, 'utf8'), readFileSync(before, 'utf8'));
    });

    test('two readers see the same output; a second writer is refused unless it forces', async () => {
      const writer = term(`${XM} console -q con1; sleep 60`);
      await attached(writer, 'con1');
      assert.doesNotMatch(writer.screen(), /Escape character/, '-q: no banner');
      const refused = await x.xm('console', 'con1');
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /^Error: console is in use by another writer/);
      // The reader replays the last line (the prompt) once it is attached: only then is the echo typed.
      const reader = term(`${XM} console --read-only --replay=1 con1; sleep 60`);
      await reader.waitFor(/root@con1:~# *$/m);
      writer.send('echo two-readers', 'Enter');
      await reader.waitFor(/^two-readers\s*$/m);
      await writer.waitFor(/^two-readers\s*$/m);
      writer.send('', 'C-]');
      reader.send('', 'C-]');
    });

    test('the session stays attached across a reboot and ends when the domain is destroyed', async () => {
      const t = term(`${XM} console --replay=1 con1; echo GONE $?; sleep 60`);
      await t.waitFor(/root@con1:~# /);
      assert.equal((await x.xm('reboot', '-w', 'con1')).code, 0);
      await t.waitFor(/The system is going down for reboot NOW![\s\S]*Linux version[\s\S]*root@con1:~# *$/m);
      t.send('echo after-reboot', 'Enter');
      await t.waitFor(/^after-reboot\s*$/m);
      assert.equal((await x.xm('destroy', 'con1')).code, 0);
      await t.waitFor(/GONE 0$/m);
    });

    test('errors: unknown domain exits 3, a stopped one is not started, -q is silent', async () => {
      const unknown = await x.xm('console', 'nope');
      assert.equal(unknown.code, 3);
      assert.equal(unknown.stderr, "Error: Domain 'nope' does not exist.\n");
      const quiet = await x.xm('console', '-q', 'nope');
      assert.deepEqual([quiet.code, quiet.stdout, quiet.stderr], [1, '', '']);
      assert.equal((await x.xm('create', '/dev/null', 'name=halted', 'memory=64', 'on_poweroff=preserve')).code, 0);
      assert.equal((await x.xm('shutdown', '-w', 'halted')).code, 0);
      const stopped = await x.xm('console', 'halted');
      assert.equal(stopped.code, 1);
      assert.equal(stopped.stderr, "Error: Domain 'halted' is not started\n");
      const dom0 = await x.xm('console', '0');
      assert.equal(dom0.code, 1);
    });

    test('a flooding guest: memory bounded by console-limit, other domains unaffected, Ctrl-C stops it', async () => {
      assert.equal((await x.xm('create', '/dev/null', 'name=flood', 'memory=64')).code, 0);
      assert.equal((await x.xm('create', '/dev/null', 'name=calm', 'memory=64')).code, 0);
      const t = term(`${XM} console flood; sleep 60`);
      await attached(t, 'flood');
      t.send('yes flooding', 'Enter');
      await t.waitFor(/^flooding\s*$/m);
      const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
      // Measured once the guest has filled its whole history: the buffer is at its bound.
      await eventually(async () => (await x.xmWith({ input: '\x1d' }, 'console', '--read-only', '--replay', 'flood')).stdout.length >= 60 * 1024, 60_000);
      const rssKiB = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
      assert.ok(rssKiB < 256 * 1024, `xend RSS ${rssKiB} KiB while a guest floods`);
      const list = await x.xm('list', 'calm');
      assert.equal(list.code, 0);
      t.send('', 'C-c');
      t.send('echo stopped', 'Enter');
      await t.waitFor(/^stopped\s*$/m);
      t.send('', 'C-]');
      const replay = await x.xmWith({ input: '\x1d' }, 'console', '--read-only', '--replay', 'flood');
      assert.ok(replay.stdout.length <= 64 * 1024, `history is bounded by console-limit: ${replay.stdout.length} bytes`);
      assert.match(replay.stdout, /flooding\r\n\^C\r\nroot@flood:~# echo stopped\r\nstopped\r\nroot@flood:~# $/);
    });
  });
}

