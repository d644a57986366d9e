import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { once } from 'node:events';
import { join } from 'node:path';
import { REPO, TestXend, eventually, runBin } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
import { workerV8Flags } from '../../src/daemon/v8-flags.js';

describe('xend start/status/stop/restart', () => {
  let x: TestXend;
  before(() => {
    x = new TestXend();
  });
  after(() => x.dispose());

  test('status is 3 and silent before start', async () => {
    const r = await x.xend('status');
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
  });

  test('start returns 0 once the socket listens; status 0; pidfile and socket modes', async () => {
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await x.xend('status')).code, 0);
    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    assert.ok(pid > 0);
    assert.equal(statSync(x.path('var/run/xend/xmlrpc.sock')).mode & 0o777, 0o600);
    assert.equal(statSync(x.path('var/run/xend')).mode & 0o777, 0o700);
    const list = await x.xm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^Domain-0 +0 /m);
    assert.equal(youngGeneration(pid), workerV8Flags()[0], 'the worker takes the flags v8-flags.ts wants on this Node and host');
  });

  test('start when running is a no-op with status 0', async () => {
    const pid = readFileSync(x.path('var/run/xend.pid'), 'utf8');
    assert.equal((await x.xend('start')).code, 0);
    assert.equal(readFileSync(x.path('var/run/xend.pid'), 'utf8'), pid);
  });

  test('status --json reports pid, version, sockets and the log file', async () => {
    const r = await x.xend('status', '--json');
    assert.equal(r.code, 0);
    const s = JSON.parse(r.stdout);
    assert.equal(s.running, true);
    assert.equal(s.pid, Number(readFileSync(x.path('var/run/xend.pid'), 'utf8')));
    assert.deepEqual(s.sockets, [x.path('var/run/xend/xmlrpc.sock')]);
    assert.equal(s.logFile, x.path('var/log/xen/xend.log'));
    assert.equal(s.pidFile, x.path('var/run/xend.pid'));
    assert.equal(s.hypervisor, 'sim');
    assert.ok(s.uptime >= 0);
  });

  test('the log is in xend format', () => {
    const log = readFileSync(x.path('var/log/xen/xend.log'), 'utf8');
    assert.match(log, /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \d+\] INFO \(SrvDaemon:\d+\) Xend Daemon started$/m);
  });

  test('stop waits for the worker; status 3; restart brings it back with a new pid', async () => {
    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    assert.equal((await x.xend('stop')).code, 0);
    assert.throws(() => process.kill(pid, 0));
    assert.equal((await x.xend('status')).code, 3);
    assert.equal(existsSync(x.path('var/run/xend.pid')), false);
    const unreachable = await x.xm('list');
    assert.equal(unreachable.code, 1);
    assert.equal(
      unreachable.stderr,
      'Error: Unable to connect to xend: No such file or directory. Is xend running?\n' +
        `xm looked for xend at httpu://${x.path('var/run/xend/xmlrpc.sock')} (the default: no --server, XM_SERVER or server in xm-config.xml).\n`,
    );
    for (let i = 0; i < 2; i++) {
      const r = await x.xend('restart');
      assert.equal(r.code, 0, `restart ${i + 1}: ${r.stderr}`);
    }
    const pid2 = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    assert.notEqual(pid2, pid);
    assert.equal((await x.xm('list')).code, 0);
  });

  test('stop when not running exits 0 and says so; status --json names the pid file it read', async () => {
    await x.xend('stop');
    const again = await x.xend('stop');
    assert.deepEqual([again.code, again.stdout], [0, '']);
    assert.equal(again.stderr, `xend is not running (no live process in ${x.path('var/run/xend.pid')}): nothing to stop.\n`);
    const s = await x.xend('status', '--json');
    assert.equal(s.code, 3);
    assert.deepEqual(JSON.parse(s.stdout), { running: false, pidFile: x.path('var/run/xend.pid') });
  });

  test('no argument prints the usage and exits 1; an unknown one says so', async () => {
    const none = await x.xend();
    assert.equal(none.code, 1);
    assert.match(none.stdout, /^usage: xend \{start\|stop\|reload\|restart/);
    const bad = await x.xend('bogus');
    assert.equal(bad.code, 1);
    assert.equal(bad.stdout, 'not an option: bogus\n');
  });

  test('a command given an option it has not is refused before it runs: xend stop --bogus leaves xend running', async () => {
    const y = new TestXend('');
    try {
      assert.equal((await y.xend('start')).code, 0);
      const r = await y.xend('stop', '--bogus');
      assert.deepEqual([r.code, r.stderr], [1, 'Error: Unknown argument: bogus\n']);
      assert.equal((await y.xend('status')).code, 0, 'still running');
    } finally {
      await y.dispose();
    }
  });

  test('start shows the config\'s warnings on stderr (a misspelt option), and still starts', async () => {
    const y = new TestXend('(xend-relocaton-port 8002)\n');
    try {
      const r = await y.xend('start');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, 'Warning: unknown xend config option xend-relocaton-port (xend-config.sxp:1); did you mean xend-relocation-port?\n');
      assert.match(readFileSync(y.path('var/log/xen/xend.log'), 'utf8'), /WARNING .*unknown xend config option xend-relocaton-port/);
    } finally {
      await y.dispose();
    }
  });

  test('--help lists every command in xm\'s layout; --version names the release it stands in for', async () => {
    const help = await x.xend('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: xend \{start\|stop\|reload\|restart\|status\|trace_start\|foreground\}\n/);
    for (const cmd of ['start', 'stop', 'reload', 'restart', 'status', 'trace_start', 'foreground']) assert.match(help.stdout, new RegExp(`^ ${cmd} +\\S`, 'm'), cmd);
    assert.doesNotMatch(help.stdout, /\[boolean\]/);
    const version = await x.xend('--version');
    assert.match(version.stdout, /^xend \S+ \(compatible with xend 4\.4\)\n$/);
    assert.match((await x.xm('--version')).stdout, /^xm \S+ \(compatible with xm 4\.4\)\n$/);
  });
});

/** The semi-space flag a process was started with, if any. */
function youngGeneration(pid: number): string | undefined {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').find((a) => a.startsWith('--max-semi-space-size'));
}

/** `xend foreground` as a service manager starts it, once it serves; its stderr if it exits first. */
async function foreground(x: TestXend, run: (child: ChildProcess) => Promise<void>): Promise<void> {
  const child = spawn(process.execPath, [join(REPO, 'bin/xend'), 'foreground'], { env: x.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit');
  try {
    await eventually(async () => child.exitCode !== null || child.signalCode !== null || (existsSync(x.path('var/run/xend.pid')) && (await x.xm('list')).code === 0));
    assert.equal(child.exitCode ?? child.signalCode, null, `xend foreground ended before serving: ${stderr}`);
    assert.equal(Number(readFileSync(x.path('var/run/xend.pid'), 'utf8')), child.pid, 'the pid systemd watches is the one serving');
    await run(child);
    assert.equal((await x.xend('stop')).code, 0);
    assert.deepEqual(await exited, [0, null], stderr);
  } finally {
    child.kill('SIGKILL');
  }
}

describe('xend foreground', () => {
  test('serves under the pid its service manager started, with the worker\'s young generation, until xend stop', async () => {
    const x = new TestXend('', { NODE_OPTIONS: '' });
    try {
      await foreground(x, async (child) => {
        // Node 22.15+ execs in place to take a flag; where none is wanted (v8-flags.ts), none is there.
        if ('execve' in process) assert.equal(youngGeneration(child.pid!), workerV8Flags()[0]);
      });
    } finally {
      await x.dispose();
    }
  });

  test('a semi-space the administrator sets in NODE_OPTIONS (quoted, either spelling) wins, under xend start as in the foreground', async () => {
    const x = new TestXend('', { NODE_OPTIONS: '"--max_semi_space_size=8"' });
    try {
      assert.equal((await x.xend('start')).code, 0);
      const worker = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
      assert.equal(youngGeneration(worker), undefined, 'xend start adds no flag of its own');
      assert.equal((await x.xend('stop')).code, 0);
      await foreground(x, async (child) => {
        assert.deepEqual(readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').slice(1, 3), [join(REPO, 'bin/xend'), 'foreground'], 'not executed again');
      });
    } finally {
      await x.dispose();
    }
  });
});

describe('guests survive the daemon', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start();
  });
  after(() => x.dispose());

  test('a created domain survives xend restart and kill -9 of the worker', async () => {
    const c = await x.xm('create', '/dev/null', 'name=keeper', 'memory=64');
    assert.equal(c.code, 0, c.stderr);
    const id = (await x.xm('domid', 'keeper')).stdout.trim();
    assert.equal((await x.xend('restart')).code, 0);
    assert.equal((await x.xm('domid', 'keeper')).stdout.trim(), id);

    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    // The monitor restarts the worker: a new pid, the same domain.
    await eventually(async () => {
      const now = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
      return now !== pid && (await x.xm('domid', 'keeper')).stdout.trim() === id;
    });
    assert.match(readFileSync(x.path('var/log/xen/xend-debug.log'), 'utf8'), /Xend died due to signal 9!  Restarting it\./);
    assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), new RegExp(`Recreating domain ${id}, UUID `));
  });

  test('a shutdown requested before a crash completes after it', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=leaver', 'memory=64')).code, 0);
    assert.equal((await x.xm('shutdown', 'leaver')).code, 0);
    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      const r = await x.xm('list', 'leaver');
      return r.code === 3;
    });
  });
});

describe('xend-config.sxp errors', () => {
  test('a bad value stops the start with name, file and line', async () => {
    const x = new TestXend('(logfile /tmp/ignored)\n(dom0-min-mem lots)\n');
    try {
      const r = await x.xend('start');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /invalid xend config dom0-min-mem: expected int: lots \(xend-config\.sxp:2\)/);
      assert.equal((await x.xend('status')).code, 3);
    } finally {
      await x.dispose();
    }
  });

  test('an unknown option is a warning in the log', async () => {
    const x = await TestXend.start('(no-such-option 1)\n');
    try {
      assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /WARNING .*no-such-option/);
    } finally {
      await x.dispose();
    }
  });

  test('reload re-reads the config: the log level changes without touching domains', async () => {
    const x = await TestXend.start('(loglevel DEBUG)\n');
    try {
      assert.equal((await x.xm('create', '/dev/null', 'name=stay', 'memory=64')).code, 0);
      writeFileSync(x.path('etc/xen/xend-config.sxp'), '(loglevel INFO)\n');
      assert.equal((await x.xend('reload')).code, 0);
      await eventually(async () => /Restarting all XML-RPC/.test(readFileSync(x.path('var/log/xen/xend.log'), 'utf8')));
      await eventually(async () => (await x.xm('list', 'stay')).code === 0);
    } finally {
      await x.dispose();
    }
  });

  test('a reload whose new server cannot start keeps serving with the previous configuration', async () => {
    const [a, b] = [await freePort(), await freePort()];
    const taken = createServer().listen(b, '127.0.0.1');
    await once(taken, 'listening');
    const tcp = (port: number) => `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n`;
    const x = await TestXend.start(tcp(a));
    try {
      writeFileSync(x.path('etc/xen/xend-config.sxp'), tcp(b));
      assert.equal((await x.xend('reload')).code, 0);
      await eventually(async () => /Reload failed: .*serving with the previous configuration/.test(readFileSync(x.path('var/log/xen/xend.log'), 'utf8')));
      await eventually(async () => (await x.xmWith({ env: { XM_SERVER: `http://127.0.0.1:${a}` } }, 'list')).code === 0);
      assert.equal((await x.xm('list')).code, 0, 'and the Unix socket');
    } finally {
      taken.close();
      await x.dispose();
    }
  });

  test('reload starts a relocation server just enabled, and stops one just disabled', async () => {
    const port = await freePort();
    const answers = () =>
      new Promise<boolean>((resolve) => {
        const c = connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
        c.on('error', () => resolve(false));
      });
    const x = await TestXend.start('');
    try {
      assert.equal(await answers(), false);
      writeFileSync(x.path('etc/xen/xend-config.sxp'), `(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n`);
      assert.equal((await x.xend('reload')).code, 0);
      await eventually(answers);
      writeFileSync(x.path('etc/xen/xend-config.sxp'), '');
      assert.equal((await x.xend('reload')).code, 0);
      await eventually(async () => !(await answers()));
    } finally {
      await x.dispose();
    }
  });

  test('a socket path that cannot be bound fails the start with the reason', async () => {
    const x = new TestXend();
    try {
      // A plain file where the socket's directory must go.
      x.writeFile('var/run/xend', 'not a directory');
      const r = await x.xend('start');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /Error: xend failed to start: /);
    } finally {
      await x.dispose();
    }
  });

  test('a root under /proc, where its folders cannot be made, fails the start at once with the reason', async () => {
    // Node's recursive mkdir never returns there: xend spun at 100% CPU.
    const env = { ...process.env, XEND_ROOT: '/proc/xend-suite-none', XEND_CONFIG: '/dev/null' };
    const r = await runBin(join(REPO, 'bin/xend'), ['start'], env, { timeoutMs: 60_000 });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*ENOENT.*\/proc\/xend-suite-none/m);
  });
});

describe('xend trace_start', () => {
  let x: TestXend;
  before(() => {
    x = new TestXend();
  });
  after(() => x.dispose());

  test('traces every request; xm list is one round trip whatever the number of domains', async () => {
    const r = await x.xend('trace_start');
    assert.equal(r.code, 0, r.stderr);
    const trace = x.path('var/log/xen/xend.trace');
    const calls = () => (existsSync(trace) ? readFileSync(trace, 'utf8').trim().split('\n').filter(Boolean) : []);
    for (const domains of [1, 40]) {
      while ((await x.xm('list')).stdout.trim().split('\n').length - 2 < domains) {
        assert.equal((await x.xm('create', '-q', '/dev/null', `name=t${calls().length}`, 'memory=32')).code, 0);
      }
      for (const args of [['list'], ['list', '--long'], ['list', '--json']]) {
        const before = calls().length;
        assert.equal((await x.xm(...args)).code, 0);
        const made = calls().slice(before);
        assert.equal(made.length, 1, `xm ${args.join(' ')} with ${domains} domains made ${made.join(', ')}`);
        assert.match(made[0]!, /^xend\.domains_with_state \d/);
      }
    }
  });

  test('xm create makes the three calls xm made: create, waitForDevices, unpause', async () => {
    const trace = x.path('var/log/xen/xend.trace');
    const before = readFileSync(trace, 'utf8').trim().split('\n').length;
    assert.equal((await x.xm('create', '/dev/null', 'name=traced', 'memory=32')).code, 0);
    const made = readFileSync(trace, 'utf8').trim().split('\n').slice(before).map((l) => l.split(' ')[0]);
    assert.deepEqual(made, ['xend.domain.create', 'xend.domain.waitForDevices', 'xend.domain.unpause']);
  });

  test('xm shutdown without -w is the one call xm made', async () => {
    const trace = x.path('var/log/xen/xend.trace');
    assert.equal((await x.xm('create', '-q', '/dev/null', 'name=once', 'memory=32')).code, 0);
    const before = readFileSync(trace, 'utf8').trim().split('\n').length;
    assert.equal((await x.xm('shutdown', 'once')).code, 0);
    const made = readFileSync(trace, 'utf8').trim().split('\n').slice(before).map((l) => l.split(' ')[0]);
    assert.deepEqual(made, ['xend.domain.shutdown']);
  });

  test('xm reboot -w looks up the domain, asks for the reboot, then makes one call a poll', async () => {
    const trace = x.path('var/log/xen/xend.trace');
    const before = readFileSync(trace, 'utf8').trim().split('\n').length;
    const r = await x.xm('reboot', '-w', 'traced');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Domain traced rebooted\nAll domains rebooted\n');
    const made = readFileSync(trace, 'utf8').trim().split('\n').slice(before).map((l) => l.split(' ')[0]);
    assert.deepEqual(made.slice(0, 2), ['xend.domain', 'xend.domain.shutdown']);
    assert.ok(made.length > 2 && made.slice(2).every((m) => m === 'xend.domains_with_state'), made.join(', '));
  });
});

