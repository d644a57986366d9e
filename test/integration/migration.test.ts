import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, TestXend, eventually } from '../helpers/xend.js';
import { Tmux, killTmuxServer, shellQuote } from '../helpers/tmux.js';
import { fifoReader } from '../helpers/fifo.js';
import { freePort, makeCertificate, startRelocationPair } from '../helpers/transports.js';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { field, rpc } from '../reliability/support.js';

/** A direct XML-RPC call to a test xend (for what xm does not show, like the memory checksum). */
function call(x: TestXend, method: string, ...params: (string | number | boolean)[]) {
  return new XmlRpcTransport({ protocol: 'xmlrpc', socketPath: x.path('var/run/xend/xmlrpc.sock') }).call(method, params);
}

const checksum = (x: TestXend, dom: string) => call(x, 'xend.domain.getMemoryChecksum', dom) as Promise<string>;

/** The checksum of the memory the destination received, as its log recorded it on arrival. */
function receivedChecksum(x: TestXend, dom: string): string | undefined {
  const log = readFileSync(x.path('var/log/xen/xend.log'), 'utf8');
  return [...log.matchAll(new RegExp(`Domain ${dom} received from .* memory checksum ([0-9a-f]{64})`, 'g'))].at(-1)?.[1];
}
/**
 * A guest of `mib` MiB and maxmem 1024, ballooned down to 128 MiB, that wrote its working set
 * (contents that must survive), then paused; the checksum of its memory.
 */
async function balloonedDown(x: TestXend, name: string, mib: number): Promise<string> {
  assert.equal((await x.xm('create', '/dev/null', `name=${name}`, `memory=${mib}`, 'maxmem=1024')).code, 0);
  assert.equal((await x.xm('mem-set', name, '128')).code, 0);
  await eventually(async () => (await checksum(x, name)) !== (await checksum(x, name)));
  assert.equal((await x.xm('pause', name)).code, 0);
  return checksum(x, name);
}

const states = async (x: TestXend) => (await x.xm('list')).stdout;

async function running(x: TestXend, name: string): Promise<string> {
  const r = await x.xm('list', name);
  assert.equal(r.code, 0, `${name} should exist: ${r.stderr}`);
  return r.stdout.split('\n')[1]!;
}

describe('migration between two xend instances', () => {
  let src: TestXend;
  let dst: TestXend;
  let port: number;
  before(async () => {
    ({ src, dst, port } = await startRelocationPair());
  });
  after(async () => {
    await src.dispose();
    await dst.dispose();
  });

  test('live migration: same name and memory there, new domid, console history carried, gone here', async () => {
    assert.equal((await src.xm('create', '/dev/null', 'name=mover', 'memory=128')).code, 0);
    await new Promise((r) => setTimeout(r, 1200));
    const typed = await src.xmWith({ input: 'echo carried-over\r' }, 'console', 'mover');
    assert.equal(typed.code, 0);
    const id = (await src.xm('domid', 'mover')).stdout.trim();
    const r = await src.xm('migrate', '--json', '-l', '-p', String(port), 'mover', '127.0.0.1');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const final = lines.at(-1);
    assert.equal(final.domain, 'mover');
    assert.ok(final.rounds >= 2, `live migration copies in rounds (${final.rounds})`);
    assert.ok(final.bytes >= 128 * 1024 * 1024, 'every page moved at least once');
    assert.ok(final.downtime_ms >= 0 && final.downtime_ms < final.total_ms);
    for (const l of lines.slice(0, -1)) assert.ok(l.version === 1 && typeof l.event.bytes_sent === 'number', 'every line carries the version');
    assert.equal((await src.xm('list', 'mover')).code, 3);
    assert.match(await running(dst, 'mover'), /^mover +\d+ +128 +1 +-b----/);
    assert.equal(receivedChecksum(dst, 'mover'), final.checksum);
    const history = await dst.xmWith({ input: '\x1d' }, 'console', '--replay', '--read-only', 'mover');
    assert.match(history.stdout, /carried-over\r\n/);
    assert.match(history.stdout, /Linux version/);
    void id;
  });

  test('non-live migration moves a paused guest in one round and keeps its memory exactly', async () => {
    assert.equal((await src.xm('create', '-p', '/dev/null', 'name=still', 'memory=64')).code, 0);
    const before = await checksum(src, 'still');
    const r = await src.xm('migrate', '--json', '-p', String(port), 'still', '127.0.0.1');
    assert.equal(r.code, 0, r.stderr);
    const final = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(final.rounds, 1);
    assert.equal(final.checksum, before, 'a paused guest sends exactly the memory it had');
    assert.equal(receivedChecksum(dst, 'still'), before);
  });

  test('migrate to localhost: a new domid on the same host', async () => {
    const local = await TestXend.start(`(xend-relocation-server yes)\n(xend-relocation-port ${await freePort()})\n`);
    try {
      const rport = /xend-relocation-port (\d+)/.exec(readFileSync(local.path('etc/xen/xend-config.sxp'), 'utf8'))![1]!;
      assert.equal((await local.xm('create', '/dev/null', 'name=homebody', 'memory=64')).code, 0);
      const id = (await local.xm('domid', 'homebody')).stdout.trim();
      const r = await local.xm('migrate', '-l', '-p', rport, 'homebody', 'localhost');
      assert.equal(r.code, 0, r.stderr);
      assert.notEqual((await local.xm('domid', 'homebody')).stdout.trim(), id);
      assert.doesNotMatch(await states(local), /migrating-/);
    } finally {
      await local.dispose();
    }
  });

  test('a refused connection leaves the domain running here under its own name', async () => {
    assert.equal((await src.xm('create', '/dev/null', 'name=stayer', 'memory=64')).code, 0);
    const closed = await freePort();
    const r = await src.xm('migrate', '-p', String(closed), 'stayer', '127.0.0.1');
    assert.equal(r.code, 1);
    // xend's line, then where it looked and what makes a destination listen; a runtime failure, no usage.
    assert.equal(
      r.stderr,
      `Error: can't connect: Connection refused\nNo relocation server answered at 127.0.0.1:${closed}; the destination's xend-config.sxp needs (xend-relocation-server yes), port 8002 by default\n`,
    );
    assert.equal(r.stdout, '');
    assert.match(await running(src, 'stayer'), /-b----/);
  });

  test('a remote refusal is reported "(from HOST)" and nothing is left behind there', async () => {
    assert.equal((await dst.xm('create', '/dev/null', 'name=twin', 'memory=64')).code, 0);
    assert.equal((await src.xm('create', '/dev/null', 'name=twin', 'memory=64')).code, 0);
    const r = await src.xm('migrate', '-p', String(port), 'twin', '127.0.0.1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: Domain 'twin' already exists with ID '\d+' \(from 127\.0\.0\.1\)\n$/);
    assert.match(await running(src, 'twin'), /-b----/);
    assert.equal((await dst.xm('list')).stdout.split('\n').filter((l) => l.startsWith('twin')).length, 1);
  });

  test('a connection closed mid-stream: the domain keeps running here', async () => {
    const fake = createServer((s) => {
      s.once('data', () => {
        s.write('(ready receive)\n');
        let got = 0;
        s.on('data', (d: Buffer) => {
          got += d.length;
          if (got > 1 << 20) s.destroy();
        });
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', () => r()));
    try {
      assert.equal((await src.xm('create', '/dev/null', 'name=brave', 'memory=64')).code, 0);
      const r = await src.xm('migrate', '-l', '-p', String((fake.address() as { port: number }).port), 'brave', '127.0.0.1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: /);
      assert.match(await running(src, 'brave'), /^brave +\d+ +64 +1 +-b----/);
      assert.match(readFileSync(src.path('var/log/xen/xend.log'), 'utf8'), /Save failed on domain brave \(\d+\) - resuming\./);
    } finally {
      fake.close();
    }
  });

  test('the destination killed mid-stream: source keeps the domain, destination keeps nothing', async () => {
    assert.equal((await src.xm('create', '/dev/null', 'name=big', 'memory=2048', 'maxmem=2048')).code, 0);
    const pid = Number(readFileSync(dst.path('var/run/xend.pid'), 'utf8'));
    const call = rpc(src);
    const uuid = String(field(await call('xend.domain', 'big', false), 'uuid'));
    const migrating = src.xm('migrate', '-p', String(port), 'big', '127.0.0.1');
    // Killed as soon as memory flows (asked in-process, not with a slow xm run that a fast stream could outrun).
    await eventually(async () => (((await call('xend.domain.migrateProgress', uuid)) as { bytesSent?: number } | null)?.bytesSent ?? 0) > 0);
    process.kill(pid, 'SIGKILL');
    const r = await migrating;
    assert.equal(r.code, 1);
    assert.match(await running(src, 'big'), /-b----/);
    // The monitor restarts the destination's worker, which drops the half-received domain.
    await eventually(async () => Number(readFileSync(dst.path('var/run/xend.pid'), 'utf8')) !== pid && (await dst.xm('list')).code === 0);
    assert.equal((await dst.xm('list', 'big')).code, 3);
    assert.match(readFileSync(dst.path('var/log/xen/xend.log'), 'utf8'), /Destroying domain \d+ \(big\), left half-restored/);
    assert.equal((await src.xm('destroy', 'big')).code, 0);
  });

  test('--timeout cancels: exit 124, the domain runs here, nothing there', async () => {
    assert.equal((await src.xm('create', '/dev/null', 'name=slow', 'memory=2048', 'maxmem=2048')).code, 0);
    const r = await src.xm('migrate', '--timeout', '0.3', '-p', String(port), 'slow', '127.0.0.1');
    assert.equal(r.code, 124, r.stderr);
    assert.match(r.stderr, /^Error: Migration of slow cancelled after 0\.3 seconds; it still runs here\n$/);
    assert.match(await running(src, 'slow'), /^slow +\d+ +2048 +1 +-b----/);
    await eventually(async () => (await dst.xm('list', 'slow')).code === 3);
    assert.equal((await src.xm('destroy', 'slow')).code, 0);
  });

  test("a guest ballooned down moves its current memory, not its maximum, and arrives with both", async () => {
    const before = await balloonedDown(src, 'thin', 512);
    const r = await src.xm('migrate', '--json', '-p', String(port), 'thin', '127.0.0.1');
    assert.equal(r.code, 0, r.stderr);
    const final = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    const MiB = 1024 * 1024;
    assert.ok(final.bytes >= 128 * MiB && final.bytes < 129 * MiB, `${final.bytes} bytes for 128 MiB`);
    assert.match(await running(dst, 'thin'), /^thin +\d+ +128 +1 +/);
    assert.match((await dst.xm('list', '--long', 'thin')).stdout, /\(maxmem 1024\)/);
    assert.equal(final.checksum, before);
    assert.equal(receivedChecksum(dst, 'thin'), before);
    assert.equal((await dst.xm('destroy', 'thin')).code, 0);
  });

  test('Domain-0 and unknown domains are refused', async () => {
    const dom0 = await src.xm('migrate', '-p', String(port), '0', '127.0.0.1');
    assert.equal(dom0.stderr, 'Error: Cannot migrate privileged domain 0\n');
    const none = await src.xm('migrate', 'nope', '127.0.0.1');
    assert.equal(none.code, 3);
    const args = await src.xm('migrate', 'only-one');
    assert.equal(args.stderr, 'Error: Invalid number of arguments\n');
  });
});

describe('save and restore', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start();
  });
  after(() => x.dispose());

  test('round trip: the same memory, name and console history; the domain is gone in between', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=sleeper', 'memory=64')).code, 0);
    await new Promise((r) => setTimeout(r, 1200));
    await x.xmWith({ input: 'echo before-save\r' }, 'console', 'sleeper');
    assert.equal((await x.xm('pause', 'sleeper')).code, 0);
    const sum = await checksum(x, 'sleeper');
    const file = x.path('sleeper.chk');
    const save = await x.xm('save', 'sleeper', file);
    assert.equal(save.code, 0, save.stderr);
    assert.equal(save.stdout, '');
    assert.equal(readFileSync(file).subarray(0, 16).toString(), 'LinuxGuestRecord');
    assert.equal((await x.xm('list', 'sleeper')).code, 3);
    const restore = await x.xm('restore', '-p', file);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(await running(x, 'sleeper'), /--p---/);
    assert.equal(await checksum(x, 'sleeper'), sum);
    assert.match((await x.xmWith({ input: '\x1d' }, 'console', '--replay', '--read-only', 'sleeper')).stdout, /before-save/);
    const again = await x.xm('restore', file);
    assert.match(again.stderr, /^Error: Domain 'sleeper' already exists with ID '\d+'\n/);
  });

  test('a guest ballooned down saves its current memory, its untouched pages as holes; restored with the same memory and maximum', async () => {
    const sum = await balloonedDown(x, 'slim', 1024);
    const file = x.path('slim.chk');
    assert.equal((await x.xm('save', 'slim', file)).code, 0);
    const { size, blocks } = statSync(file);
    const MiB = 1024 * 1024;
    assert.ok(size > 128 * MiB && size < 129 * MiB, `${size} bytes for 128 MiB`);
    assert.ok(blocks * 512 < 64 * MiB, `${blocks * 512} bytes on disk: the pages never written are holes`);
    assert.equal((await x.xm('restore', '-p', file)).code, 0);
    assert.match(await running(x, 'slim'), /^slim +\d+ +128 +1 +--p---/);
    assert.match((await x.xm('list', '--long', 'slim')).stdout, /\(maxmem 1024\)/);
    assert.equal(await checksum(x, 'slim'), sum);
    assert.equal((await x.xm('destroy', 'slim')).code, 0);
  });

  test('a save cancelled by the domain\'s id leaves it running and no file; a restore tells how far it read, by its file', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=stopper', 'memory=1536')).code, 0);
    const id = (await x.xm('domid', 'stopper')).stdout.trim();
    const file = x.path('stopper.chk');
    const save = call(x, 'xend.domain.save', id, file, false);
    await eventually(async () => Number(((await call(x, 'xend.domain.migrateProgress', id)) as { bytesSent?: number } | null)?.bytesSent ?? 0) > 0);
    assert.equal(await call(x, 'xend.domain.migrateCancel', id), true);
    await assert.rejects(save, /Save cancelled/);
    assert.match(await running(x, 'stopper'), /-b----/);
    assert.equal(existsSync(file), false);
    assert.equal((await x.xm('destroy', 'stopper')).code, 0);

    // Restored from a pipe fed in two halves: its progress is asked between them.
    const image = readFileSync(x.path('sleeper.chk'));
    assert.equal((await x.xm('destroy', 'sleeper')).code, 0);
    const fifo = x.path('restore.fifo');
    execFileSync('mkfifo', [fifo]);
    const restore = call(x, 'xend.domain.restore', fifo, true);
    const feed = createWriteStream(fifo);
    await new Promise<void>((r) => feed.write(image.subarray(0, image.length >> 1), () => r()));
    const progress = await eventually(async () => {
      const p = (await call(x, 'xend.domain.migrateProgress', fifo)) as { bytesRead?: number; file?: string; totalBytes?: number } | null;
      return p && (p.bytesRead ?? 0) > 0 ? p : undefined;
    });
    assert.deepEqual([progress.file, progress.totalBytes], [fifo, 0]);
    await new Promise<void>((r) => feed.end(image.subarray(image.length >> 1), () => r()));
    await restore;
    assert.match(await running(x, 'sleeper'), /--p---/);
    assert.equal(await call(x, 'xend.domain.migrateProgress', fifo), null, 'nothing once restored');
  });

  test('on a terminal: Ctrl-C cancels a save (exit 130, the domain as it was); save and restore end with their summaries, no progress left', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=tty', 'memory=256')).code, 0);
    // Saved into a pipe whose reader stops after a few MiB, so the save waits for the Ctrl-C.
    const fifo = x.path('tty.fifo');
    execFileSync('mkfifo', [fifo]);
    // Open for reading before xm starts: xend's open for writing does not wait for a reader.
    const { stream: reader, release } = fifoReader(fifo);
    let read = 0;
    reader.on('data', (chunk) => {
      read += chunk.length;
      if (read > 4 << 20) reader.pause();
    });
    const socket = x.path('tmux-save.sock');
    const xm = `node ${shellQuote(join(REPO, 'bin/xm'))}`;
    const file = shellQuote(x.path('tty.chk'));
    // The shell outlives the Ctrl-C it gets too (a trap, not an ignore: xm would inherit that).
    const t = new Tmux(socket, `trap : INT; ${xm} save tty ${shellQuote(fifo)}; echo EXITED $?; read go; ${xm} save tty ${file} && ${xm} restore -p ${file}; echo DONE $?; sleep 30`, x.env);
    try {
      await t.waitFor(/Saving tty to .*: round 1, \d+% of the round/);
      t.send('', 'C-c');
      const cancelled = await t.waitFor(/EXITED \d+/);
      assert.match(cancelled, /^Error: Save of tty cancelled; the domain is as it was\nEXITED 130$/m);
      assert.doesNotMatch(cancelled, /Saving/, 'the progress left nothing on the screen');
      assert.match(await running(x, 'tty'), /-b----/);
      reader.resume();
      t.send('go', 'Enter');
      const done = await t.waitFor(/DONE \d+/);
      assert.match(done, /^Saved tty to .* in \d+\.\d s, 256\.\d MiB\nRestored tty from .* in \d+\.\d s, 256\.\d MiB\nDONE 0$/m);
      assert.doesNotMatch(done, /Saving|Restoring/);
    } finally {
      release();
      t.kill();
      killTmuxServer(socket);
    }
    assert.match(await running(x, 'tty'), /^tty +\d+ +256 +1 +--p---/);
    assert.equal((await x.xm('destroy', 'tty')).code, 0);
  });

  test('save -c keeps the domain running', async () => {
    assert.equal((await x.xm('create', '/dev/null', 'name=snap', 'memory=64')).code, 0);
    assert.equal((await x.xm('save', '-c', 'snap', x.path('snap.chk'))).code, 0);
    assert.match(await running(x, 'snap'), /-b----/);
  });

  test('errors as xm printed them; a failed save (disk full) leaves the domain running', async () => {
    assert.equal((await x.xm('save', 'snap', '/nonexistent/dir/f')).stderr, 'Error: xm save: Unable to create file /nonexistent/dir/f\n');
    assert.equal((await x.xm('restore', '/nonexistent/f')).stderr, 'Error: xm restore: Unable to read file /nonexistent/f\n');
    writeFileSync(x.path('junk'), 'this is not a guest');
    assert.equal((await x.xm('restore', x.path('junk'))).stderr, "Error: not a valid guest state file: it does not begin with xend's signature\n");
    assert.equal((await x.xm('save', '0', x.path('d0'))).stderr, 'Error: Cannot save privileged domain 0\n');
    const full = await x.xm('save', 'snap', '/dev/full');
    assert.equal(full.code, 1);
    assert.equal(full.stderr, "Error: can't write guest state file /dev/full: No space left on device\n");
    assert.match(await running(x, 'snap'), /-b----/);
  });

  test('a save or restore never goes through a symlink, which could be swapped in after the path was checked', async () => {
    writeFileSync(x.path('target'), 'precious');
    symlinkSync(x.path('target'), x.path('link.chk'));
    const save = await x.xm('save', 'snap', x.path('link.chk'));
    assert.deepEqual([save.code, save.stderr], [1, `Error: can't write guest state file ${x.path('link.chk')}: Too many levels of symbolic links\n`]);
    assert.equal(readFileSync(x.path('target'), 'utf8'), 'precious', 'the target is untouched');
    assert.match(await running(x, 'snap'), /-b----/);
    const restore = await x.xm('restore', x.path('link.chk'));
    assert.deepEqual([restore.code, restore.stderr], [1, `Error: can't read guest state file ${x.path('link.chk')}: Too many levels of symbolic links\n`]);
  });
});

describe('relocation server access', () => {
  test('hosts-allow by address: 127.0.0.2 allowed, 127.0.0.1 dropped and logged; SSL relocation', async () => {
    const port = await freePort();
    const sslPort = await freePort();
    const dir = new TestXend();
    const { key, cert } = makeCertificate(dir.root);
    const x = await TestXend.start(
      `(xend-relocation-server yes)\n(xend-relocation-address 0.0.0.0)\n(xend-relocation-port ${port})\n(xend-relocation-hosts-allow '^127\\\\.0\\\\.0\\\\.2$')\n` +
        `(xend-relocation-ssl-server yes)\n(xend-relocation-ssl-port ${sslPort})\n(xend-relocation-server-ssl-key-file ${key})\n(xend-relocation-server-ssl-cert-file ${cert})\n`,
    );
    const ask = (localAddress: string) =>
      new Promise<string>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port, localAddress }, () => s.write('help\n'));
        let out = '';
        s.on('data', (d: Buffer) => (out += d.toString()));
        s.on('close', () => resolve(out));
        s.on('error', () => resolve(out));
      });
    try {
      assert.equal(await ask('127.0.0.2'), '(ok (help quit receive sslreceive))\n');
      assert.equal(await ask('127.0.0.1'), '');
      await eventually(async () => /WARNING .*Rejected connection from 127\.0\.0\.1 \(localhost\)\./.test(readFileSync(x.path('var/log/xen/xend.log'), 'utf8')));
      assert.equal((await x.xm('create', '/dev/null', 'name=secure', 'memory=64')).code, 0);
      const local = await TestXend.start();
      try {
        assert.equal((await local.xm('create', '/dev/null', 'name=secure2', 'memory=64')).code, 0);
        const denied = await local.xm('migrate', '-p', String(port), 'secure2', '127.0.0.1');
        assert.equal(denied.code, 1);
        assert.match(await running(local, 'secure2'), /-b----/);
        const viaSsl = await local.xm('migrate', '-s', '-p', String(sslPort), 'secure2', '127.0.0.1');
        assert.equal(viaSsl.code, 1, 'the SSL listener applies hosts-allow too');
      } finally {
        await local.dispose();
      }
    } finally {
      await x.dispose();
      await dir.dispose();
    }
  });
});
