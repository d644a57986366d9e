/**
 * Time limits on every listener (issues 17 and 23): a request head or body
 * trickled a byte at a time, a body that never finishes and a TLS client that
 * never shakes hands are all dropped once xend-idle-timeout (or, for
 * relocation, xend-relocation-idle-timeout) has passed, however often they send
 * a byte. The limits are set to 2 s and each close is awaited with a generous
 * bound: a connection kept open past it fails the test.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { TestXend } from '../helpers/xend.js';
import { freePort, makeCertificate } from '../helpers/transports.js';
import { disposeXend, exchange, rpc } from './support.js';
import { fifoReader } from '../helpers/fifo.js';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { CONSOLE_PATH, CONSOLE_PROTOCOL } from '../../src/protocol/console.js';

/** Far beyond the 2 s limits: only a connection the server never drops waits this long. */
const BOUND_MS = 30_000;
const LIMITS = '(xend-idle-timeout 2)\n(xend-relocation-idle-timeout 2)\n';

type Target = { port: number } | { path: string };

/** A connection, plain or TLS, once it can send. */
function open(target: Target, tls = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const raw = 'port' in target ? createConnection({ host: '127.0.0.1', port: target.port }) : createConnection({ path: target.path });
    raw.on('error', () => {});
    if (!tls) return void raw.once('connect', () => resolve(raw));
    const s = tlsConnect({ socket: raw, rejectUnauthorized: false }, () => resolve(s));
    s.on('error', () => {});
    s.once('close', () => reject(new Error('closed during the TLS handshake')));
  });
}

/** Resolves when the server closes the connection; rejects if it is still open after the bound. */
function closedBy(s: Socket, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.destroyed) return resolve();
    // Read what the server says (a 413, say): unread data would hold back our 'end' and 'close'.
    s.resume();
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error(`${what}: still open after ${BOUND_MS} ms`));
    }, BOUND_MS);
    s.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Writes `text` one byte a second until the server closes the connection (or the text runs out). */
async function trickle(s: Socket, text: string, what: string): Promise<void> {
  let i = 0;
  const tick = setInterval(() => {
    if (i < text.length && !s.destroyed) s.write(text[i++]!);
  }, 1000);
  try {
    await closedBy(s, what);
  } finally {
    clearInterval(tick);
  }
  assert.ok(i < text.length, `${what}: the whole head was sent before the server closed`);
}

/** A request head far longer than the limit takes at a byte a second. */
const SLOW_HEAD = `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'x'.repeat(200)}\r\n\r\n`;
const UNFINISHED_BODY = 'POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: 100000\r\n\r\n<?xml';

describe('listeners keep their time limits (plain)', () => {
  let x: TestXend;
  let ports: { xmlrpc: number; http: number; reloc: number };
  before(async () => {
    ports = { xmlrpc: await freePort(), http: await freePort(), reloc: await freePort() };
    x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${ports.xmlrpc})\n` +
        `(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${ports.http})\n(xend-unix-server yes)\n` +
        `(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${ports.reloc})\n` +
        LIMITS,
    );
  });
  after(() => disposeXend(x));

  const management = (): [string, Target][] => [
    ['XML-RPC over the Unix socket', { path: x.path('var/run/xend/xmlrpc.sock') }],
    ['XML-RPC over TCP', { port: ports.xmlrpc }],
    ['legacy HTTP over TCP', { port: ports.http }],
    ['legacy HTTP over the Unix socket', { path: x.path('var/lib/xend/xend-socket') }],
  ];

  test('a request head sent a byte a second is dropped, on every management listener', async () => {
    await Promise.all(management().map(async ([what, target]) => trickle(await open(target), SLOW_HEAD, what)));
  });

  test('a relocation request line sent a byte a second is dropped, over TCP and the Unix socket', async () => {
    const line = `receive ${'x'.repeat(200)}\n`;
    await Promise.all([
      trickle(await open({ port: ports.reloc }), line, 'relocation over TCP'),
      trickle(await open({ path: x.path('var/lib/xend/relocation-socket') }), line, 'relocation over the Unix socket'),
    ]);
  });

  test('a body that never finishes (Content-Length 100000, 5 bytes sent) is dropped, on every management listener', async () => {
    await Promise.all(
      management().map(async ([what, target]) => {
        const s = await open(target);
        s.write(what.startsWith('legacy') ? UNFINISHED_BODY.replace('/RPC2', '/xend/domain').replace('text/xml', 'application/x-www-form-urlencoded') : UNFINISHED_BODY);
        await closedBy(s, what);
      }),
    );
  });

  test('a body trickled a byte a second is dropped', async () => {
    const s = await open({ port: ports.xmlrpc });
    s.write(UNFINISHED_BODY);
    await trickle(s, 'x'.repeat(200), 'a trickled body');
  });

  test('an attached console outlives the limit: a connection opened after it is dropped, the console is not', async () => {
    await rpc(x)('xend.domain.create', ['vm', ['name', 'watched'], ['memory', 32]]);
    await rpc(x)('xend.domain.unpause', 'watched');
    const consoleSocket = await open({ port: ports.xmlrpc });
    const switched = new Promise<void>((resolve) => consoleSocket.on('data', (d: Buffer) => d.toString().startsWith('HTTP/1.1 101') && resolve()));
    consoleSocket.write(`GET ${CONSOLE_PATH}watched?write=0 HTTP/1.1\r\nHost: localhost\r\nUpgrade: ${CONSOLE_PROTOCOL}\r\nConnection: Upgrade\r\n\r\n`);
    await switched;
    try {
      await closedBy(await open({ port: ports.xmlrpc }), 'a silent connection');
      assert.ok(!consoleSocket.destroyed && consoleSocket.readyState === 'open', 'the console is still attached');
    } finally {
      consoleSocket.destroy();
    }
  });

  test('a request xend is still answering keeps its connection past the limit (a save into a reader that waits)', async (t) => {
    const call = rpc(x);
    await call('xend.domain.create', ['vm', ['name', 'slowsave'], ['memory', 32]]);
    const fifo = x.path('var/lib/xen/save/slow.fifo');
    execFileSync('mkfifo', [fifo]);
    const { stream: reader, release } = fifoReader(fifo);
    t.after(release);
    const tcp = new XmlRpcTransport({ protocol: 'xmlrpc', host: '127.0.0.1', port: ports.xmlrpc, tls: false });
    const save = tcp.call('xend.domain.save', ['slowsave', fifo, false], { timeoutMs: BOUND_MS }).then(
      () => 'saved',
      (err: Error) => err.message,
    );
    // Opened after the save's connection, so dropped after that one's deadline passed.
    await closedBy(await open({ port: ports.xmlrpc }), 'a silent connection');
    reader.resume();
    assert.equal(await save, 'saved');
  });

  test('a quick client is still served', async () => {
    assert.equal((await x.xmWith({ env: { XM_SERVER: `http://127.0.0.1:${ports.xmlrpc}` } }, 'list')).code, 0);
    const call = '<?xml version="1.0"?><methodCall><methodName>xend.domains</methodName><params></params></methodCall>';
    const request = `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: ${call.length}\r\n\r\n${call}`;
    const reply = await exchange(ports.xmlrpc, request, { timeoutMs: BOUND_MS });
    assert.match(reply.data.toString(), /^HTTP\/1\.1 200 [\s\S]*Domain-0/);
  });
});

describe('listeners keep their time limits (TLS)', () => {
  let x: TestXend;
  let ports: { xmlrpc: number; reloc: number };
  before(async () => {
    ports = { xmlrpc: await freePort(), reloc: await freePort() };
    x = new TestXend();
    const { key, cert } = makeCertificate(x.root);
    x.writeFile(
      'etc/xen/xend-config.sxp',
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${ports.xmlrpc})\n` +
        `(xend-tcp-xmlrpc-server-ssl-key-file ${key})\n(xend-tcp-xmlrpc-server-ssl-cert-file ${cert})\n` +
        `(xend-relocation-ssl-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-ssl-port ${ports.reloc})\n` +
        `(xend-relocation-server-ssl-key-file ${key})\n(xend-relocation-server-ssl-cert-file ${cert})\n` +
        LIMITS,
    );
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => disposeXend(x));

  test('a client that never starts the TLS handshake is dropped, on XML-RPC and relocation', async () => {
    await Promise.all([
      closedBy(await open({ port: ports.xmlrpc }), 'silent XML-RPC TLS client'),
      closedBy(await open({ port: ports.reloc }), 'silent relocation TLS client'),
    ]);
  });

  test('a client that trickles its TLS hello is dropped', async () => {
    // Any bytes will do: a TLS record header that announces a long record, then a byte a second.
    const hello = `\x16\x03\x01\x02\x00${'\x01'.repeat(200)}`;
    await Promise.all([trickle(await open({ port: ports.xmlrpc }), hello, 'XML-RPC TLS hello'), trickle(await open({ port: ports.reloc }), hello, 'relocation TLS hello')]);
  });

  test('after the handshake, a request head or line sent a byte a second is dropped', async () => {
    await Promise.all([
      trickle(await open({ port: ports.xmlrpc }, true), SLOW_HEAD, 'XML-RPC over TLS'),
      trickle(await open({ port: ports.reloc }, true), `receive ${'x'.repeat(200)}\n`, 'relocation over TLS'),
    ]);
  });

  test('a body that never finishes is dropped over TLS', async () => {
    const s = await open({ port: ports.xmlrpc }, true);
    s.write(UNFINISHED_BODY);
    await closedBy(s, 'unfinished body over TLS');
  });
});

describe('hosts-allow patterns', () => {
  test("a pattern whose '.' matches any character is warned about at start, on management and relocation", async () => {
    const x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${await freePort()})\n` +
        `(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${await freePort()})\n` +
        "(xend-hosts-allow '127.0.0.1 ^localhost$ 10[.]0[.]0[.]1$')\n(xend-relocation-hosts-allow '192.168.1.')\n",
    );
    try {
      const warnings = readFileSync(x.path('var/log/xen/xend.log'), 'utf8')
        .split('\n')
        .filter((l) => / WARNING .*hosts-allow: in '/.test(l));
      assert.equal(warnings.length, 2, warnings.join('\n'));
      assert.ok(warnings.some((l) => / xend-hosts-allow: in '127\.0\.0\.1' a '\.' matches any character/.test(l)), warnings.join('\n'));
      assert.ok(warnings.some((l) => / xend-relocation-hosts-allow: in '192\.168\.1\.'/.test(l)), warnings.join('\n'));
    } finally {
      await disposeXend(x);
    }
  });
});
