import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { identify, stillRunning } from '../../src/hypervisor/qemu/launch.js';
import { qemuUser, unreachableBy } from '../../src/hypervisor/qemu/user.js';

describe('QEMU process identity (adoption after an xend restart)', () => {
  test('only the very process xend started counts: same pid, command line and start time', async () => {
    // A process that runs on and calls itself qemu-system-x86_64 (sleep would refuse a second, non-numeric argument).
    const child = spawn('sleep', ['60'], { stdio: 'ignore', argv0: 'qemu-system-x86_64' });
    await once(child, 'spawn');
    // Until the exec has happened the command line is still node's, or empty.
    let p = identify(child.pid!);
    for (const deadline = Date.now() + 30_000; !p?.cmdline.startsWith('qemu-system') && Date.now() < deadline; p = identify(child.pid!)) await new Promise((r) => setTimeout(r, 10));
    assert.ok(p);
    assert.equal(p.cmdline, 'qemu-system-x86_64\x0060\x00');
    assert.ok(stillRunning(p));
    // A reused pid: another process (which may well have "qemu" in its command line) or another start.
    assert.ok(!stillRunning({ ...p, startTicks: p.startTicks + 1 }));
    assert.ok(!stillRunning({ ...p, cmdline: 'qemu-system-x86_64\x00-name\x00g\x00' }));
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.ok(!stillRunning(p));
    assert.equal(identify(child.pid!), null);
  });
});

describe('(qemu-user NAME)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qemu-user-'));
  const passwd = join(dir, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n');

  test('names an existing unprivileged user; root, unknown and malformed names stop xend', () => {
    assert.equal(qemuUser('', passwd), null);
    assert.deepEqual(qemuUser('nobody', passwd), { name: 'nobody', uid: 65534, gid: 65534 });
    assert.throws(() => qemuUser('root', passwd), /qemu-user root is root: name an unprivileged user/);
    assert.throws(() => qemuUser('qemu', passwd), /qemu-user qemu: no such user in/);
    assert.throws(() => qemuUser('x:0:0', passwd), /is not a user name/);
    assert.throws(() => qemuUser('../etc', passwd), /is not a user name/);
  });

  test('a run directory the user cannot pass through is named', () => {
    const user = qemuUser('nobody', passwd)!;
    const closed = join(dir, 'closed');
    mkdirSync(join(closed, 'run'), { recursive: true });
    chmodSync(dir, 0o711);
    chmodSync(closed, 0o700);
    assert.equal(unreachableBy(user, join(closed, 'run')), closed);
    chmodSync(closed, 0o711);
    chmodSync(join(closed, 'run'), 0o711);
    assert.equal(unreachableBy(user, join(closed, 'run')), null);
  });
});
