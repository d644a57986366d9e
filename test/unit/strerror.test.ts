import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { connect } from 'node:tls';
import { once } from 'node:events';
import { strerror } from '../../src/strerror.js';

test('strerror: errno codes in the C library words', () => {
  assert.equal(strerror(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })), 'Connection refused');
});

test("strerror: a TLS failure is OpenSSL's reason on one line, without its source location", async () => {
  // A TLS client speaking to a server that answers in plain text: OpenSSL's "wrong version number".
  const server = createServer((s) => s.end('HTTP/1.1 200 OK\r\n\r\n')).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  const client = connect({ port, host: '127.0.0.1', rejectUnauthorized: false });
  const [err] = (await once(client, 'error').catch((e: unknown) => [e])) as [NodeJS.ErrnoException];
  server.close();
  assert.match(err.message, /\n/, "OpenSSL's own message spans lines");
  assert.equal(strerror(err), 'TLS: wrong version number');
  assert.equal(strerror(Object.assign(new Error('write EPROTO 80:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:\n'), { code: 'EPROTO' })), 'TLS: wrong version number');
  assert.equal(strerror(Object.assign(new Error('a\n  b\n'), { code: 'EWHATEVER' })), 'a b');
});
