/**
 * Who gets in, and how much they may ask: Unix sockets root-only (or a named
 * group), tested as an unprivileged user; TCP listeners off by default and on
 * loopback when switched on without an address; TLS where configured;
 * hosts-allow on every TCP listener (management and relocation); domain names
 * validated as xend did; limits on connections and stalled peers; and the
 * file-path rule for save/restore over TCP.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { join } from 'node:path';
import { REPO, TestXend, eventually } from '../helpers/xend.js';
import { freePort, makeCertificate } from '../helpers/transports.js';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { allDomains, exchange, faultCode, report, rpc, workerPid, disposeXend } from './support.js';

const XM = join(REPO, 'bin/xm');
const NOBODY = 65534;
const NOGROUP = 65534;

/** Why the unprivileged-user tests cannot run here, or null when they can. */
function cannotSwitchUser(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root: cannot switch to another user';
  const probe = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOGROUP), '--clear-groups', process.execPath, '-e', 'process.exit(process.getuid() === 65534 ? 0 : 1)']);
  if (probe.error || probe.status !== 0) return `setpriv cannot run node as nobody (${probe.error?.message ?? `exit ${probe.status}`})`;
  return null;
}
const SWITCH_USER = cannotSwitchUser();

/** xm as another user and group (setpriv, util-linux). */
/** The line xm adds after "Unable to connect": where it looked, here the default socket. */
const looked = (socket: string) => `xm looked for xend at httpu://${socket} (the default: no --server, XM_SERVER or server in xm-config.xml).\n`;

function xmAs(x: TestXend, uid: number, gid: number, ...args: string[]): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('setpriv', ['--reuid', String(uid), '--regid', String(gid), '--clear-groups', process.execPath, XM, ...args], { env: x.env, cwd: '/' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The root's directories opened up as on a real system (/var and /var/run are 0755 there). */
function openUpLikeRealSystem(x: TestXend): void {
  for (const d of ['', 'var', 'var/run', 'var/lib']) if (existsSync(x.path(d))) chmodSync(x.path(d), 0o755);
}

interface TcpListener {
  address: string;
  port: number;
}

/** The TCP sockets a process listens on, from /proc (Linux). */
function tcpListeners(pid: number): TcpListener[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const out: TcpListener[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
      const [hex, port] = f[1]!.split(':') as [string, string];
      let address: string;
      if (hex.length === 8) {
        address = Buffer.from(hex, 'hex').reverse().join('.');
      } else {
        const words = (hex.match(/.{8}/g) ?? []).map((w) => Buffer.from(w, 'hex').reverse().toString('hex'));
        address = words.join('').match(/.{4}/g)!.map((g) => g.replace(/^0+(?=.)/, '')).join(':');
      }
      out.push({ address, port: parseInt(port, 16) });
    }
  }
  return out;
}

const isLoopback = (a: string) => a.startsWith('127.') || a === '0:0:0:0:0:0:0:1' || a === '0:0:0:0:0:ffff:7f00:1' || /^0:0:0:0:0:ffff:7f/.test(a);

describe('Unix sockets: root only, or a named group', { skip: SWITCH_USER ?? false }, () => {
  test('as nobody: refused by the 0700 directory, and by the 0600 socket itself', async () => {
    const x = await TestXend.start('(xend-unix-server yes)\n');
    try {
      openUpLikeRealSystem(x);
      assert.equal(statSync(x.path('var/run/xend/xmlrpc.sock')).mode & 0o777, 0o600);
      assert.equal(statSync(x.path('var/run/xend')).mode & 0o777, 0o700);
      assert.equal(statSync(x.path('var/lib/xend/xend-socket')).mode & 0o777, 0o600);
      const denied = await xmAs(x, NOBODY, NOGROUP, 'list');
      assert.equal(denied.code, 1);
      assert.equal(denied.stderr, `Error: Unable to connect to xend: Permission denied. Is xend running?\n${looked(x.path('var/run/xend/xmlrpc.sock'))}`);
      // With the directory opened up, the socket's own mode still keeps nobody out.
      chmodSync(x.path('var/run/xend'), 0o755);
      chmodSync(x.path('var/lib/xend'), 0o755);
      const stillDenied = await xmAs(x, NOBODY, NOGROUP, 'list');
      assert.equal(stillDenied.stderr, `Error: Unable to connect to xend: Permission denied. Is xend running?\n${looked(x.path('var/run/xend/xmlrpc.sock'))}`);
      const http = await xmAs(x, NOBODY, NOGROUP, '--server', `xend-httpu://${x.path('var/lib/xend/xend-socket')}`, 'list');
      assert.equal(http.stderr, `Error: Unable to connect to xend: Permission denied. Is xend running?\nxm looked for xend at xend-httpu://${x.path('var/lib/xend/xend-socket')} (--server).\n`);
      assert.equal((await x.xm('list')).code, 0, 'root still gets in');
    } finally {
      await disposeXend(x);
    }
  });

  test('the relocation Unix socket is 0600 like the others', async () => {
    const x = await TestXend.start('(xend-unix-server yes)\n');
    try {
      assert.equal(statSync(x.path('var/lib/xend/relocation-socket')).mode & 0o777, 0o600);
    } finally {
      await disposeXend(x);
    }
  });

  test('(xend-unix-socket-group nogroup): a member gets in, another user does not', async () => {
    const x = await TestXend.start('(xend-unix-socket-group nogroup)\n');
    try {
      openUpLikeRealSystem(x);
      const st = statSync(x.path('var/run/xend/xmlrpc.sock'));
      assert.equal(st.mode & 0o777, 0o660);
      assert.equal(st.gid, NOGROUP);
      const outsider = await xmAs(x, NOBODY, 1, 'list');
      assert.equal(outsider.code, 1, 'a user outside the group is refused');
      const member = await xmAs(x, NOBODY, NOGROUP, 'list');
      assert.equal(member.code, 0, `a member of the group gets in: ${member.stderr}`);
      assert.equal(statSync(x.path('var/run/xend')).mode & 0o777, 0o710, 'the group may pass through the directory, not list it');
      // A member is not root: the files it may name are confined as a TCP client's are.
      assert.equal((await xmAs(x, NOBODY, NOGROUP, 'create', '/dev/null', 'name=grouped', 'memory=32')).code, 0);
      mkdirSync(x.path('pub'), { mode: 0o777 });
      chmodSync(x.path('pub'), 0o777);
      const save = await xmAs(x, NOBODY, NOGROUP, 'save', '-c', 'grouped', x.path('pub/member.chk'));
      assert.equal(save.code, 1);
      assert.match(save.stderr, /may only use files in .*xend-save-path/);
      assert.equal(existsSync(x.path('pub/member.chk')), false);
    } finally {
      await disposeXend(x);
    }
  });
});

describe('a socket group never opens up a shared directory', () => {
  test('a socket in a world-writable directory with a group: xend refuses to start and leaves the directory alone', async () => {
    const x = new TestXend();
    const shared = x.path('shared');
    mkdirSync(shared, { recursive: true });
    chmodSync(shared, 0o1777);
    try {
      x.writeFile('etc/xen/xend-config.sxp', `(xend-unix-server yes)\n(xend-unix-path ${shared}/xend-socket)\n(xend-unix-socket-group nogroup)\n`);
      const r = await x.xend('start');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /is not a directory of xend's own/);
      assert.equal(statSync(shared).mode & 0o7777, 0o1777);
    } finally {
      await disposeXend(x);
    }
  });
});

describe('TCP listeners', () => {
  test('off by default: the worker listens on no TCP port at all', async () => {
    const x = await TestXend.start();
    try {
      assert.deepEqual(tcpListeners(workerPid(x)), []);
      const s = JSON.parse((await x.xend('status', '--json')).stdout) as { sockets: string[] };
      assert.deepEqual(s.sockets, [x.path('var/run/xend/xmlrpc.sock')]);
    } finally {
      await disposeXend(x);
    }
  });

  test('switched on without an address: every one (management and relocation) on loopback only', async (t) => {
    const [a, b, c, d] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const dir = new TestXend();
    const { key, cert } = makeCertificate(dir.root);
    const x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-port ${a})\n(xend-http-server yes)\n(xend-port ${b})\n` +
        `(xend-relocation-server yes)\n(xend-relocation-port ${c})\n(xend-relocation-ssl-server yes)\n(xend-relocation-ssl-port ${d})\n` +
        `(xend-relocation-server-ssl-key-file ${key})\n(xend-relocation-server-ssl-cert-file ${cert})\n`,
    );
    try {
      const listeners = tcpListeners(workerPid(x));
      report(t, 'access tcp-default-addresses', { listeners: listeners.map((l) => `${l.address}:${l.port}`).join(',') });
      assert.deepEqual([...new Set(listeners.map((l) => l.port))].sort(), [a, b, c, d].sort());
      for (const l of listeners) assert.ok(isLoopback(l.address), `${l.address}:${l.port} is loopback`);
    } finally {
      await disposeXend(x);
      await disposeXend(dir);
    }
  });
});

/** Connects from `localAddress` and says `hello`; what came back ('' when the server dropped us). */
function ask(port: number, localAddress: string, hello: string, tls = false): Promise<string> {
  return new Promise((resolve) => {
    let out = '';
    const done = () => resolve(out);
    const s: Socket = tls
      ? tlsConnect({ socket: createConnection({ host: '127.0.0.1', port, localAddress }).on('error', done), rejectUnauthorized: false }, () => s.write(hello))
      : createConnection({ host: '127.0.0.1', port, localAddress }, () => s.write(hello));
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('close', done);
    s.on('error', done);
    setTimeout(() => s.destroy(), 5000).unref();
  });
}

describe('hosts-allow on every TCP listener', () => {
  let x: TestXend;
  let dir: TestXend;
  const ports: Record<string, number> = {};
  before(async () => {
    for (const k of ['xmlrpc', 'https', 'http', 'reloc', 'relocSsl']) ports[k] = await freePort();
    dir = new TestXend();
    const { key, cert } = makeCertificate(dir.root);
    const allow = "'^127\\\\.0\\\\.0\\\\.2$'";
    // xend-tcp-xmlrpc-server serves TLS only when given a key: a second xend serves plain XML-RPC.
    x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${ports.https})\n` +
        `(xend-tcp-xmlrpc-server-ssl-key-file ${key})\n(xend-tcp-xmlrpc-server-ssl-cert-file ${cert})\n` +
        `(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${ports.http})\n(xend-hosts-allow ${allow})\n` +
        `(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${ports.reloc})\n` +
        `(xend-relocation-ssl-server yes)\n(xend-relocation-ssl-port ${ports.relocSsl})\n(xend-relocation-server-ssl-key-file ${key})\n(xend-relocation-server-ssl-cert-file ${cert})\n` +
        `(xend-relocation-hosts-allow ${allow})\n`,
    );
  });
  after(async () => {
    await disposeXend(x);
    await disposeXend(dir);
  });

  const xmlrpcBody = '<?xml version="1.0"?><methodCall><methodName>xend.domains_with_state</methodName><params><param><value><boolean>0</boolean></value></param><param><value>all</value></param><param><value><boolean>0</boolean></value></param></params></methodCall>';
  const post = `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${xmlrpcBody.length}\r\nConnection: close\r\n\r\n${xmlrpcBody}`;

  test('an allowed peer (127.0.0.2) is served, anyone else (127.0.0.1) is dropped unanswered, on all four', async (t) => {
    const cases: [string, number, string, boolean, RegExp][] = [
      ['XML-RPC over TLS', ports.https!, post, true, /^HTTP\/1\.1 200 [\s\S]*Domain-0/],
      ['legacy HTTP', ports.http!, 'GET /xend/domain HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', false, /^HTTP\/1\.1 200 [\s\S]*Domain-0/],
      ['relocation', ports.reloc!, 'help\n', false, /^\(ok \(help/],
      ['SSL relocation', ports.relocSsl!, 'help\n', true, /^\(ok \(help/],
    ];
    for (const [what, port, hello, tls, ok] of cases) {
      assert.match(await ask(port, '127.0.0.2', hello, tls), ok, `${what}: 127.0.0.2 is allowed`);
      assert.equal(await ask(port, '127.0.0.1', hello, tls), '', `${what}: 127.0.0.1 is dropped`);
    }
    await eventually(async () => (readFileSync(x.path('var/log/xen/xend.log'), 'utf8').match(/Rejected connection from 127\.0\.0\.1/g) ?? []).length >= 4);
    report(t, 'access hosts-allow', { listeners: cases.length, allowed: cases.length, denied: cases.length });
  });

  test('plain XML-RPC over TCP applies xend-hosts-allow too', async () => {
    const port = await freePort();
    const y = await TestXend.start(`(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n(xend-hosts-allow '^127\\\\.0\\\\.0\\\\.2$')\n`);
    try {
      assert.match(await ask(port, '127.0.0.2', post), /^HTTP\/1\.1 200 /);
      assert.equal(await ask(port, '127.0.0.1', post), '');
    } finally {
      await disposeXend(y);
    }
  });

  test('TLS where configured: the TLS listeners do not speak plain text', async () => {
    const plain = await ask(ports.https!, '127.0.0.2', post);
    assert.doesNotMatch(plain, /Domain-0/);
    assert.doesNotMatch(await ask(ports.relocSsl!, '127.0.0.2', 'help\n'), /\(ok/);
    assert.equal((await x.xm('list')).code, 0);
  });
});

describe('domain names are validated as xend did (^[A-Za-z0-9_\\-.:+]+$)', () => {
  let x: TestXend;
  let httpPort: number;
  before(async () => {
    httpPort = await freePort();
    x = await TestXend.start(`(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${httpPort})\n`);
  });
  after(() => disposeXend(x));

  // (NUL cannot travel in XML-RPC at all; the HTTP form below carries one.)
  const BAD = ['', 'a b', 'a/b', '../etc', 'x;rm -rf /', 'é', 'a\nb', 'tab\there', 'q"uote', "it's", '$(id)', '`id`', '*', 'a,b', 'semi;colon', 'back\\slash'];
  const GOOD = ['a', 'web-01', 'A_b.c:d+e', '0x1', 'x'.repeat(200)];

  test('create and rename refuse every bad name with "Invalid VM Name" and change nothing', async (t) => {
    const call = rpc(x);
    await call('xend.domain.create', ['vm', ['name', 'named'], ['memory', 32]]);
    let refused = 0;
    for (const name of BAD) {
      await assert.rejects(call('xend.domain.create', ['vm', ['name', name], ['memory', 32]]), (e: Error) => faultCode(e) === 2 && /Invalid VM Name/.test(e.message), JSON.stringify(name));
      await assert.rejects(call('xend.domain.setName', 'named', name), (e: Error) => faultCode(e) === 2 && /Invalid VM Name/.test(e.message), JSON.stringify(name));
      refused += 2;
    }
    const names = (await allDomains(call)).map((d) => d.name).sort();
    assert.deepEqual(names, ['Domain-0', 'named']);
    for (const name of GOOD) {
      await call('xend.domain.setName', 'named', name);
      await call('xend.domain.setName', name, 'named');
    }
    // xm and the legacy HTTP server go through the same check.
    const xm = await x.xm('create', '/dev/null', 'name=bad name', 'memory=32');
    assert.equal(xm.code, 1);
    assert.match(xm.stderr, /Invalid VM Name/);
    const body = 'op=rename&name=a%00b';
    const form = await exchange(httpPort, `POST /xend/domain/named HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`);
    assert.match(form.data.toString(), /^HTTP\/1\.1 500 [\s\S]*Invalid VM Name/);
    report(t, 'access domain-names', { refused: refused + 2, accepted: GOOD.length });
  });
});

describe('limits: many, idle and stalled peers', () => {
  test('500 idle TCP connections do not keep anyone else out', async () => {
    const port = await freePort();
    const x = await TestXend.start(`(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n`);
    const idle: Socket[] = [];
    try {
      for (let i = 0; i < 500; i++) idle.push(createConnection({ host: '127.0.0.1', port }).on('error', () => {}));
      await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
      assert.equal((await x.xmWith({ env: { XM_SERVER: `http://127.0.0.1:${port}` } }, 'list')).code, 0);
      assert.equal((await x.xm('list')).code, 0);
    } finally {
      for (const s of idle) s.destroy();
      await disposeXend(x);
    }
  });

  test('configured limits: connections beyond xend-max-connections are refused, idle ones go after xend-idle-timeout, big requests get 413', async () => {
    const port = await freePort();
    const x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n` +
        '(xend-max-connections 4)\n(xend-idle-timeout 3)\n(xend-max-request-bytes 2048)\n',
    );
    const idle: Socket[] = [];
    const closed: Promise<void>[] = [];
    let idleClosed = 0;
    try {
      for (let i = 0; i < 4; i++) {
        const s = createConnection({ host: '127.0.0.1', port }).on('error', () => {});
        closed.push(new Promise((r) => s.on('close', () => r(void idleClosed++))));
        idle.push(s);
      }
      await Promise.all(idle.map((s) => new Promise((r) => s.once('connect', r))));
      // Refused at accept: the fifth is closed while the four it came after are still open (they go only when idle for 3 s).
      const fifth = createConnection({ host: '127.0.0.1', port }).on('error', () => {});
      await new Promise((r) => fifth.once('close', r));
      assert.equal(idleClosed, 0, 'a fifth connection is refused while four are open');
      const tcp = { env: { XM_SERVER: `http://127.0.0.1:${port}` } };
      assert.equal((await x.xm('list')).code, 0, 'the Unix socket is not affected');
      await Promise.all(closed);
      assert.equal((await x.xmWith(tcp, 'list')).code, 0, 'once the idle ones timed out, TCP clients get in again');
      const big = `<methodCall><methodName>xend.domains</methodName><params><param><value><string>${'x'.repeat(4096)}</string></value></param></params></methodCall>`;
      const res = await exchange(port, `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\nConnection: close\r\n\r\n${big}`);
      assert.match(res.data.toString(), /^HTTP\/1\.1 413 /);
    } finally {
      for (const s of idle) s.destroy();
      await disposeXend(x);
    }
  });

  test('a limit of 0 is refused when xend starts, naming the option', async () => {
    const x = new TestXend();
    try {
      x.writeFile('etc/xen/xend-config.sxp', '(xend-max-connections 0)\n');
      const r = await x.xend('start');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /xend-max-connections 0\): must be at least 1/);
    } finally {
      await disposeXend(x);
    }
  });

  test('a relocation peer that stalls mid-stream does not block another, and its half-built domain goes', async () => {
    const port = await freePort();
    const x = await TestXend.start(`(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n(xend-relocation-idle-timeout 2)\n`);
    const staller = createConnection({ host: '127.0.0.1', port });
    try {
      const config = Buffer.from('(domain (name stalled) (memory 64))');
      const head = Buffer.alloc(20);
      head.write('LinuxGuestRecord', 0, 'latin1');
      head.writeInt32BE(config.length, 16);
      await new Promise<void>((r) => staller.on('connect', () => r()));
      staller.write(Buffer.concat([Buffer.from('receive\n'), head, config]));
      await eventually(async () => (await allDomains(rpc(x))).some((d) => d.name === 'stalled'));
      assert.match((await exchange(port, 'help\n')).data.toString(), /^\(ok \(help/, 'another peer is served meanwhile');
      await eventually(async () => !(await allDomains(rpc(x))).some((d) => d.name === 'stalled'));
    } finally {
      staller.destroy();
      await disposeXend(x);
    }
  });
});

describe('file paths a TCP client names (save, restore, dump-core)', () => {
  let x: TestXend;
  let port: number;
  let tcp: (method: string, ...params: (string | boolean | number)[]) => Promise<unknown>;
  before(async () => {
    port = await freePort();
    x = new TestXend();
    mkdirSync(x.path('saves'), { recursive: true });
    // Proposed option (not in xend): the directory a TCP client may save to and restore from.
    x.writeFile(
      'etc/xen/xend-config.sxp',
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n(xend-save-path ${x.path('saves')})\n`,
    );
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
    const t = new XmlRpcTransport({ protocol: 'xmlrpc', host: '127.0.0.1', port, tls: false });
    tcp = (method, ...params) => t.call(method, params);
  });
  after(() => disposeXend(x));

  test('inside the configured directory, and anywhere over the root-only Unix socket, saves work', async () => {
    const call = rpc(x);
    await call('xend.domain.create', ['vm', ['name', 'keeper'], ['memory', 32]]);
    await tcp('xend.domain.save', 'keeper', x.path('saves/keeper.chk'), true);
    assert.ok(statSync(x.path('saves/keeper.chk')).size > 32 << 20);
    await call('xend.domain.save', 'keeper', x.path('anywhere.chk'), true);
    assert.ok(existsSync(x.path('anywhere.chk')));
  });

  test('over TCP, xend writes nowhere else, overwrites nothing else, and echoes no other file', async () => {
    const call = rpc(x);
    await call('xend.domain.create', ['vm', ['name', 'target'], ['memory', 32]]);
    mkdirSync(x.path('outside'), { recursive: true });
    await assert.rejects(tcp('xend.domain.save', 'target', x.path('outside/new.chk'), true), 'a save outside the directory is refused');
    assert.equal(existsSync(x.path('outside/new.chk')), false, 'nothing was written');
    writeFileSync(x.path('precious'), 'keep me');
    await assert.rejects(tcp('xend.domain.save', 'target', x.path('precious'), true));
    assert.equal(readFileSync(x.path('precious'), 'utf8'), 'keep me', 'an existing file is not truncated');
    await assert.rejects(tcp('xend.domain.save', 'target', x.path('saves/../outside/escape.chk'), true), '.. does not escape');
    await assert.rejects(tcp('xend.domain.dump', 'target', x.path('outside/target.core'), true, false, false), 'a core dump outside the directory is refused');
    assert.equal(existsSync(x.path('outside/target.core')), false);
    assert.equal(existsSync(x.path('outside/escape.chk')), false);
    symlinkSync(x.path('outside/dangling.chk'), x.path('saves/dangling.chk'));
    await assert.rejects(tcp('xend.domain.save', 'target', x.path('saves/dangling.chk'), true), 'a dangling symlink is not followed');
    assert.equal(existsSync(x.path('outside/dangling.chk')), false);
    symlinkSync(x.path('outside'), x.path('saves/link'));
    await assert.rejects(tcp('xend.domain.save', 'target', x.path('saves/link/via-symlink.chk'), true), 'a symlink does not escape');
    assert.equal(existsSync(x.path('outside/via-symlink.chk')), false);
    writeFileSync(x.path('secret'), 'root:$6$TOPSECRETHASH:19000:0:99999:7:::\n');
    await assert.rejects(tcp('xend.domain.restore', x.path('secret'), false), (e: Error) => !/TOPSECRET|root:\$6/.test(e.message), 'a refused restore does not echo the file');
    assert.ok((await allDomains(call)).some((d) => d.name === 'target'), 'the domain still runs here');
  });
});

