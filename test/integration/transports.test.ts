import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createConnection } from 'node:net';
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TestXend, eventually } from '../helpers/xend.js';
import { freePort, startXendOver } from '../helpers/transports.js';
import { NEEDS_EXAMPLES, readExample } from '../helpers/examples.js';

/** A Python xmlrpc.client session against a URI (TCP or TLS), as an independent peer. */
function python(uri: string, script: string, ca?: string): unknown {
  const prelude = String.raw`
import json, ssl, sys, xmlrpc.client
ctx = ssl.create_default_context(cafile=sys.argv[2]) if sys.argv[2] else None
server = xmlrpc.client.ServerProxy(sys.argv[1], allow_none=True, context=ctx)
def fault(f, *a):
    try:
        return f(*a)
    except xmlrpc.client.Fault as e:
        return [e.faultCode, e.faultString]
`;
  const r = spawnSync('python3', ['-c', `${prelude}\n${script}`, uri, ca ?? ''], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function raw(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => s.end(text));
    let out = '';
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('close', () => resolve(out));
    s.on('error', reject);
  });
}

function curl(...args: string[]): { status: number; out: string } {
  const r = spawnSync('curl', ['-s', '-S', '--max-time', '10', ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

describe('XML-RPC over TCP and TLS with real clients', () => {
  test('Python xmlrpc.client over TCP: create, list, faults', async () => {
    const x = await startXendOver('xmlrpc-tcp');
    try {
      const out = python(
        x.uri,
        `server.xend.domain.create(['vm', ['name', 'tcp1'], ['memory', 64]])
server.xend.domain.unpause('tcp1')
print(json.dumps([server.xend.domains_with_state(False, 'all', False), fault(server.xend.domain, 'zz'), fault(server.xend.domain.pause, 0)]))`,
      ) as unknown[];
      assert.deepEqual(out, [['Domain-0', 'tcp1'], [3, 'zz'], [2, 'Cannot pause privileged domain 0']]);
      const xmlrpc = createRequire(import.meta.url)('xmlrpc') as { createClient(o: object): { methodCall(m: string, p: unknown[], cb: (e: unknown, v: unknown) => void): void } };
      const url = new URL(x.uri);
      const names = await new Promise((done, fail) =>
        xmlrpc.createClient({ host: url.hostname, port: Number(url.port), path: '/RPC2' }).methodCall('xend.domains_with_state', [false, 'all', false], (e, v) => (e ? fail(e) : done(v))),
      );
      assert.deepEqual(names, ['Domain-0', 'tcp1']);
    } finally {
      await x.dispose();
    }
  });

  test('Python xmlrpc.client over TLS, verifying the certificate', async () => {
    const x = await startXendOver('xmlrpc-tls');
    try {
      const out = python(x.uri, `print(json.dumps(server.xend.domains_with_state(False, 'all', False)))`, x.env.XM_TLS_CA);
      assert.deepEqual(out, ['Domain-0']);
      // Plain HTTP to the TLS port gets nowhere, and the server stays up.
      const plain = await x.xmWith({ env: { XM_SERVER: x.uri.replace('https:', 'http:') } }, 'list');
      assert.equal(plain.code, 1);
      assert.equal((await x.xm('list')).code, 0);
      // Without the CA, xm refuses the self-signed certificate.
      const untrusted = await x.xmWith({ env: { XM_TLS_CA: '' } }, 'list');
      assert.equal(untrusted.code, 1);
      assert.match(untrusted.stderr, /^Error: Unable to connect to xend: .*certificate/);
    } finally {
      await x.dispose();
    }
  });
});

describe('legacy HTTP server with curl', () => {
  let x: TestXend & { uri: string };
  let port: number;
  before(async () => {
    x = await startXendOver('http-tcp');
    port = Number(new URL(x.uri.replace('xend-http', 'http')).port);
    assert.equal((await x.xm('create', '/dev/null', 'name=web', 'memory=64')).code, 0);
  });
  after(() => x.dispose());

  test('GET the URL tree: SXP for programs', () => {
    const root = curl('-i', `http://127.0.0.1:${port}/xend/`, '-A', '');
    assert.match(root.out, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(root.out, /\r\nContent-type: application\/sxp\r\n/);
    assert.match(root.out, /\r\nPragma: no-cache\r\n/);
    assert.match(root.out, /\r\n\r\n\(ls node domain vnet\)$/);
    assert.equal(curl(`http://127.0.0.1:${port}/xend/domain`, '-A', '').out, '(Domain-0 web)');
    assert.match(curl(`http://127.0.0.1:${port}/xend/domain/web`, '-A', '').out, /^\(domain \(domid \d+\) .*\(name web\) .*\(state -b----\)/);
    assert.match(curl(`http://127.0.0.1:${port}/xend/node`, '-A', '').out, /^\(node \(system Linux\) \(host /);
    assert.match(curl(`http://127.0.0.1:${port}/xend/node/dmesg`).out, /^\(XEN\) Xen version/);
  });

  test('HTML for a browser', () => {
    const page = curl('-i', '-A', 'Mozilla/5.0', '-H', 'Accept: text/html', `http://127.0.0.1:${port}/xend/domain/web`);
    assert.match(page.out, /\r\nContent-type: text\/html\r\n/);
    assert.match(page.out, /<h1><a href="\/xend">xend<\/a> \/ <a href="\/xend\/domain">domain<\/a> \/ <a href="\/xend\/domain\/web">web<\/a><\/h1><pre>\(domain\n/);
  });

  test('POST ops: 202 for shutdown, 200 for pause, 404 unknown domain, 406 no op, 501 unknown op, 500 (xend.err …)', async () => {
    const post = (path: string, ...fields: string[]) => curl('-i', '-A', '', ...fields.flatMap((f) => ['--data-urlencode', f]), `http://127.0.0.1:${port}${path}`);
    assert.match(post('/xend/domain/web', 'op=pause').out, /^HTTP\/1\.1 200 .*\r\n\r\n$/s);
    assert.match((await x.xm('list', 'web')).stdout, /--p---/);
    assert.match(post('/xend/domain/web', 'op=unpause').out, /^HTTP\/1\.1 200 .*\r\n\r\n$/s);
    assert.match(post('/xend/domain/nope', 'op=pause').out, /^HTTP\/1\.1 404 .*\r\n\r\n<Fault 3: 'nope'>$/s);
    assert.match(post('/xend/domain/web', 'x=1').out, /^HTTP\/1\.1 406 /);
    assert.match(post('/xend/domain/web', 'op=fly').out, /^HTTP\/1\.1 501 .*Operation not implemented: fly$/s);
    assert.match(post('/xend/domain/0', 'op=destroy').out, /^HTTP\/1\.1 500 .*\r\n\r\n\(xend\.err 'Cannot destroy privileged domain 0'\)$/s);
    const created = post('/xend/domain', 'op=create', 'config=(vm (name viaform) (memory 64))');
    assert.match(created.out, /^HTTP\/1\.1 201 .*\r\nLocation: http:\/\/127\.0\.0\.1:\d+\/xend\/domain\/viaform\r\n/s);
    assert.match(post('/xend/domain/viaform', 'op=unpause').out, /^HTTP\/1\.1 200 /);
    assert.match(post('/xend/domain/viaform', 'op=shutdown', 'reason=poweroff').out, /^HTTP\/1\.1 202 /);
    await eventually(async () => (await x.xm('list', 'viaform')).code === 3);
    const big = post('/xend/domain', 'op=create', `config=${'x'.repeat(20_000)}`);
    assert.match(big.out, /^HTTP\/1\.1 413 /);
  });
});

describe('hostile and broken clients', () => {
  let x: TestXend & { uri: string };
  let port: number;
  before(async () => {
    x = await startXendOver('xmlrpc-tcp');
    port = Number(new URL(x.uri).port);
  });
  after(() => x.dispose());

  test('oversized, truncated and unknown requests: faults or 4xx, and the server stays up', async () => {
    const call = (body: string) => `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const truncated = await raw(port, call('<?xml version="1.0"?><methodCall><methodName>xend.domain</meth'));
    assert.match(truncated, /^HTTP\/1\.1 200 OK[\s\S]*<name>faultCode<\/name>\s*<value><int>1<\/int>/);
    const unknown = await raw(port, call('<methodCall><methodName>no.such</methodName><params></params></methodCall>'));
    assert.match(unknown, /MESSAGE_METHOD_UNKNOWN/);
    const huge = await raw(port, `POST /RPC2 HTTP/1.1\r\nHost: x\r\nContent-Length: ${64 << 20}\r\n\r\n<methodCall>`);
    assert.match(huge, /^HTTP\/1\.1 413 /);
    const get = await raw(port, 'GET /RPC2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    assert.match(get, /^HTTP\/1\.1 501 /);
    const garbage = await raw(port, '\x00\x01\x02 not http at all\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 |^$/);
    assert.equal((await x.xm('list')).code, 0);
  });

  test('idle connections do not block others and are closed by the server', async () => {
    const idle = await Promise.all(
      Array.from({ length: 40 }, () => new Promise<ReturnType<typeof createConnection>>((r) => {
        const s = createConnection({ host: '127.0.0.1', port }, () => r(s));
      })),
    );
    const closed = idle.map((s) => new Promise<void>((r) => s.on('close', () => r())));
    assert.equal((await x.xm('list')).code, 0);
    await Promise.race([Promise.all(closed), new Promise((_, fail) => setTimeout(() => fail(new Error('idle sockets still open')), 25_000))]);
  });
});

describe('access control and reload', () => {
  test('a denied host is dropped and logged; sockets are 0600', async () => {
    const x = await startXendOver('xmlrpc-tcp', "(xend-hosts-allow '^nomatch$ ^10\\\\.')\n");
    try {
      const r = await x.xm('list');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: Unable to connect to xend: (Connection reset by peer|Broken pipe)\. Is xend running\?\nxm looked for xend at http:\/\/127\.0\.0\.1:\d+ \(XM_SERVER\)\.\n$/);
      await eventually(async () => /WARNING .*Rejected connection from 127\.0\.0\.1 \(localhost\)\./.test(readFileSync(x.path('var/log/xen/xend.log'), 'utf8')));
      assert.equal(statSync(x.path('var/run/xend/xmlrpc.sock')).mode & 0o777, 0o600);
      const local = await x.xmWith({ env: { XM_SERVER: '' } }, 'list');
      assert.equal(local.code, 0, 'the Unix socket is not subject to hosts-allow');
    } finally {
      await x.dispose();
    }
  });

  test('a server without TLS beyond loopback is warned about', async () => {
    const port = await freePort();
    const x = await TestXend.start(`(xend-http-server yes)\n(xend-address 0.0.0.0)\n(xend-port ${port})\n`);
    try {
      assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /WARNING .*HTTP server on 0\.0\.0\.0:\d+ listens beyond loopback without TLS/);
    } finally {
      await x.dispose();
    }
  });

  test('reload turns servers on and off without touching domains', async () => {
    const x = await TestXend.start();
    try {
      assert.equal((await x.xm('create', '/dev/null', 'name=stays', 'memory=64')).code, 0);
      const port = await freePort();
      x.writeFile('etc/xen/xend-config.sxp', `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n`);
      assert.equal((await x.xend('reload')).code, 0);
      const tcp = { env: { XM_SERVER: `http://127.0.0.1:${port}` } };
      await eventually(async () => (await x.xmWith(tcp, 'list', 'stays')).code === 0);
      x.writeFile('etc/xen/xend-config.sxp', '');
      assert.equal((await x.xend('reload')).code, 0);
      await eventually(async () => (await x.xmWith(tcp, 'list')).code === 1);
      assert.equal((await x.xm('list', 'stays')).code, 0);
    } finally {
      await x.dispose();
    }
  });

  test('xm-config.xml: the shipped example is accepted, a LegacyXMLRPC server is used, junk is reported', { skip: NEEDS_EXAMPLES }, async () => {
    const x = await startXendOver('xmlrpc-tcp');
    try {
      const env = { XM_SERVER: '', XM_CONFIG_FILE: x.path('etc/xen/xm-config.xml') };
      x.writeFile('etc/xen/xm-config.xml', readExample('xm-config.xml'));
      assert.equal((await x.xmWith({ env }, 'list')).code, 0, 'the example names no server: the Unix socket is used');
      x.writeFile('etc/xen/xm-config.xml', `<xm><server type='LegacyXMLRPC' uri='${x.uri}'/></xm>`);
      const viaTcp = await x.xmWith({ env: { ...env, XEND_ROOT: '/nonexistent' } }, 'list');
      assert.equal(viaTcp.code, 0, viaTcp.stderr);
      x.writeFile('etc/xen/xm-config.xml', 'not xml');
      const junk = await x.xmWith({ env }, 'list');
      assert.equal(junk.code, 0);
      assert.match(junk.stderr, /^Ignoring invalid configuration file .*xm-config\.xml\.\n$/);
    } finally {
      await x.dispose();
    }
  });
});

describe('client connection errors', () => {
  test('refused TCP and a missing socket read like xm; --server overrides XM_SERVER', async () => {
    const x = new TestXend();
    try {
      const port = await freePort();
      const refused = await x.xmWith({ env: { XM_SERVER: `http://127.0.0.1:${port}` } }, 'list');
      assert.equal(refused.stderr, `Error: Unable to connect to xend: Connection refused. Is xend running?\nxm looked for xend at http://127.0.0.1:${port} (XM_SERVER).\n`);
      const http = await x.xm('--server', `xend-http://127.0.0.1:${port}`, 'list');
      assert.equal(http.stderr, `Error: Unable to connect to xend: Connection refused. Is xend running?\nxm looked for xend at xend-http://127.0.0.1:${port} (--server).\n`);
      x.writeFile('etc/xen/xm-config.xml', `<xm><server type='LegacyXMLRPC' uri='http://127.0.0.1:${port}'/></xm>`);
      const configured = await x.xmWith({ env: { XM_SERVER: '' } }, 'list', '--json');
      assert.deepEqual(JSON.parse(configured.stdout), {
        version: 1,
        error: {
          type: 'xend-unreachable',
          message: `Unable to connect to xend: Connection refused. Is xend running?\nxm looked for xend at http://127.0.0.1:${port} (${x.path('etc/xen/xm-config.xml')}).`,
          exit: 1,
        },
      });
      const bad = await x.xm('--server', 'gopher://x', 'list');
      assert.equal(bad.stderr, "Error: unsupported server URI scheme 'gopher' in gopher://x\n");
    } finally {
      await x.dispose();
    }
  });
});
