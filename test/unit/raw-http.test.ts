import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rawPost, RawHttpError } from '../../src/transport/raw-http.js';

/** rawPost against a server that answers each request with `answer(socket)`. */
describe('rawPost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raw-http-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;
  const post = async (answer: (s: Socket) => void, maxBytes = 1 << 26) => {
    const path = join(dir, `s${n++}`);
    const server = createServer((s) => {
      s.once('data', () => answer(s));
      s.on('error', () => {});
    });
    await new Promise<void>((done) => server.listen(path, done));
    try {
      return await rawPost({ socketPath: path }, '/RPC2', { 'Content-Type': 'text/xml' }, Buffer.from('<x/>'), { maxBytes, connectTimeoutMs: 5_000 });
    } finally {
      server.close();
    }
  };
  const head = (extra: string) => `HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\n${extra}\r\n`;

  test('a Content-Length body that arrives in many reads (and the head in pieces) is whole', async () => {
    const body = Buffer.alloc(3 << 20);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const res = await post((s) => {
      s.write('HTTP/1.1 200 OK\r\nContent-');
      setImmediate(() => {
        s.write(`Length: ${body.length}\r\n\r\n`);
        for (let i = 0; i < body.length; i += 50_000) s.write(body.subarray(i, i + 50_000));
      });
    });
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(body));
  });

  test('a chunked body and a body the close ends', async () => {
    const chunked = await post((s) => s.end(`${head('Transfer-Encoding: chunked\r\n')}3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n`));
    assert.equal(chunked.body.toString(), 'abcde');
    const closed = await post((s) => s.end(`${head('')}until the end`));
    assert.equal(closed.body.toString(), 'until the end');
  });

  test('a connection whose reply is read is closed soon after, also when the server keeps it open', async () => {
    const path = join(dir, `s${n++}`);
    let closed!: Promise<unknown>;
    const server = createServer((s) => {
      closed = new Promise((resolve) => s.once('close', resolve));
      s.once('data', () => s.write(`${head('Content-Length: 2\r\n')}ok`)); // and never ends
    });
    await new Promise<void>((done) => server.listen(path, done));
    try {
      const res = await rawPost({ socketPath: path }, '/RPC2', {}, Buffer.from('<x/>'), { maxBytes: 1 << 20, connectTimeoutMs: 5_000 });
      assert.equal(res.body.toString(), 'ok');
      await closed;
    } finally {
      server.close();
    }
  });

  test('a body longer than maxBytes, or cut short, is an error', async () => {
    await assert.rejects(() => post((s) => s.end(`${head('Content-Length: 100\r\n')}x`), 50), (e) => e instanceof RawHttpError && /too large/.test(e.message));
    await assert.rejects(() => post((s) => s.end(`${head('Content-Length: 100\r\n')}only this`)), (e) => e instanceof RawHttpError && /inside the response body/.test(e.message));
    await assert.rejects(() => post((s) => s.end('garbage\r\n\r\n')), (e) => e instanceof RawHttpError && /not an HTTP response/.test(e.message));
    for (const length of ['-5', 'abc', '0x10', '1e3', '', '9999999999999999'])
      await assert.rejects(() => post((s) => s.end(head(`Content-Length: ${length}\r\n`))), (e) => e instanceof RawHttpError && /invalid Content-Length/.test(e.message), length);
  });
});
