import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loggedOutput, XenConsole } from '../../src/hypervisor/xen/console.js';
import type { XenRunner } from '../../src/hypervisor/xen/runner.js';

test("a domain's history is the end of xenconsoled's guest-NAME.log, bounded", () => {
  const dir = mkdtempSync(join(tmpdir(), 'xen-console-'));
  // Bytes as the guest wrote them, one character each (latin1), as the pty is read.
  writeFileSync(join(dir, 'guest-g1.log'), Buffer.from('XMGUEST-BANNER\r\n~ # \xff', 'latin1'));
  assert.equal(loggedOutput({ dir, name: 'g1' }), 'XMGUEST-BANNER\r\n~ # \xff');
  writeFileSync(join(dir, 'guest-big.log'), Buffer.concat([Buffer.alloc(1 << 20, 'a'), Buffer.from('the end')]));
  const big = loggedOutput({ dir, name: 'big' });
  assert.equal(big.length, 1 << 20);
  assert.ok(big.endsWith('the end'));
});

test('no history where xenconsoled keeps none, nor through a link, a folder, a name with a slash or no folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xen-console-'));
  writeFileSync(join(dir, 'secret'), 'not a console');
  symlinkSync(join(dir, 'secret'), join(dir, 'guest-linked.log'));
  mkdirSync(join(dir, 'guest-folder.log'));
  mkdirSync(join(dir, 'guest-a'));
  writeFileSync(join(dir, 'guest-a', 'b.log'), 'not this one');
  assert.equal(loggedOutput({ dir, name: 'none' }), '');
  assert.equal(loggedOutput({ dir, name: 'linked' }), '');
  assert.equal(loggedOutput({ dir, name: 'folder' }), '');
  assert.equal(loggedOutput({ dir, name: 'a/b' }), '');
  assert.equal(loggedOutput({ dir: '', name: 'g1' }), '');
});

test("a pty xenconsoled publishes late is still taken: xend says it waits, and looks on until it comes", async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  let asked = 0;
  const publishAt = 5 * 60_000; // a loaded dom0: minutes
  const runner = {
    run: async () => {
      asked++;
      if (Date.now() < publishAt) throw new Error('xenstore-read: could not read path');
      return { stdout: '/dev/pts/999999\n', stderr: '' };
    },
  } as unknown as XenRunner;
  const said: string[] = [];
  const heard = new Promise<void>((resolve) => {
    const console = new XenConsole(7, runner, () => {}, (m) => {
      said.push(m);
      if (m.startsWith('cannot open')) {
        console.close();
        resolve();
      }
    });
  });
  // Each look waits on a timer: run them until the pty is found (a bounded number of steps).
  for (let i = 0; i < 1000 && !said.some((m) => m.startsWith('cannot open')); i++) {
    await new Promise((r) => setImmediate(r));
    t.mock.timers.tick(1_000);
  }
  await heard;
  assert.match(said[0]!, /^xenconsoled has published no console tty in 15 s; xend waits for it$/);
  assert.equal(said.length, 2, said.join('\n'));
  assert.match(said[1]!, /^cannot open \/dev\/pts\/999999: /);
  // Backed off: far fewer looks than seconds waited.
  assert.ok(asked < 60, `${asked} looks in five minutes`);
});

test("an adopted domain's history comes once its pty is found, never from the constructor (the console service does not know the domain yet)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'xen-console-'));
  writeFileSync(join(dir, 'guest-g1.log'), 'XMGUEST-BANNER\r\n');
  const runner = { run: async () => ({ stdout: '/dev/pts/999999\n', stderr: '' }) } as unknown as XenRunner;
  const out: string[] = [];
  let console!: XenConsole;
  const opened = new Promise<void>((resolve) => {
    console = new XenConsole(7, runner, (text) => out.push(text), () => resolve(), { dir, name: 'g1' });
  });
  assert.deepEqual(out, [], 'nothing before the constructor returned');
  await opened; // its pty cannot be opened here: the error comes after the history
  console.close();
  assert.deepEqual(out, ['XMGUEST-BANNER\r\n']);
});
