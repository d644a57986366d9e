import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerUri } from '../../src/transport/uri.js';
import { SshTransport } from '../../src/transport/ssh.js';
import { HttpMessageReader, HttpStreamError } from '../../src/transport/http-stream.js';
import type { SshAddress } from '../../src/transport/uri.js';

test("ssh://[user@]host[:port][/path]: xm's form, plus a port", () => {
  assert.deepEqual(parseServerUri('ssh://dom0'), { protocol: 'ssh', host: 'dom0', path: 'RPC2' });
  assert.deepEqual(parseServerUri('ssh://root@dom0.example.org:2222/RPC2'), { protocol: 'ssh', host: 'dom0.example.org', user: 'root', port: 2222, path: 'RPC2' });
  assert.deepEqual(parseServerUri('ssh://admin@[fe80::1]'), { protocol: 'ssh', host: 'fe80::1', user: 'admin', path: 'RPC2' });
});

test('ssh:// parts that ssh would take as options or a shell as commands are refused', () => {
  for (const bad of ['ssh://-oProxyCommand=x', 'ssh://h;rm', 'ssh://-l@h', 'ssh://u@-h', 'ssh://a b', 'ssh://h:0', 'ssh://h:99999', 'ssh://h:22x', 'ssh://', 'ssh://u$(id)@h', 'ssh://h/a b', 'ssh://h/%0a']) {
    assert.throws(() => parseServerUri(bad), /invalid server URI/, bad);
  }
});

test("ssh's arguments: -l and -p from the URI, -- before the host, then the remote command", () => {
  const args = (uri: string) => new SshTransport(parseServerUri(uri) as SshAddress).sshArgs();
  assert.deepEqual(args('ssh://dom0'), ['-T', '--', 'dom0', 'xm', 'serve']);
  assert.deepEqual(args('ssh://root@dom0:2222'), ['-T', '-l', 'root', '-p', '2222', '--', 'dom0', 'xm', 'serve']);
});

test('HTTP messages on a stream: CRLF or LF heads, split anywhere, several per chunk, the rest after them kept', () => {
  const r = new HttpMessageReader({ maxHeadBytes: 1024, maxBodyBytes: 1024 });
  const stream = Buffer.from('POST /RPC2 HTTP/1.1\nHost: x\nContent-Length: 3\n\nabc\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiGET / HTTP/1.1\r\nUpgrade: c\r\n\r\nraw');
  const got = [...stream].flatMap((byte) => r.push(Buffer.from([byte])));
  assert.deepEqual(
    got.map((m) => [m.startLine, m.headers, m.body.toString()]),
    [
      ['POST /RPC2 HTTP/1.1', [['host', 'x'], ['content-length', '3']], 'abc'],
      ['HTTP/1.1 200 OK', [['content-length', '2']], 'hi'],
      ['GET / HTTP/1.1', [['upgrade', 'c']], ''],
    ],
  );
  assert.equal(r.takeRest().toString(), 'raw');
});

test('HTTP messages on a stream: bounded heads and bodies, no chunked bodies, a Content-Length that is a number', () => {
  const reader = () => new HttpMessageReader({ maxHeadBytes: 64, maxBodyBytes: 10 });
  assert.throws(() => reader().push(Buffer.from(`POST / HTTP/1.1\r\nX: ${'a'.repeat(100)}`)), HttpStreamError);
  assert.throws(() => reader().push(Buffer.from('POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n')), /body too large/);
  assert.throws(() => reader().push(Buffer.from('POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n')), /bad Content-Length/);
  assert.throws(() => reader().push(Buffer.from('POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n')), /chunked/);
  assert.throws(() => reader().push(Buffer.from('POST / HTTP/1.1\r\nnocolon\r\n\r\n')), /bad header line/);
});
