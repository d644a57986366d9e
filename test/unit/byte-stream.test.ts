import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import { sourceOf, TruncatedStreamError } from '../../src/protocol/byte-stream.js';

/** 0, 1, 2, … 255, 0, 1, …: every byte says where it was. */
const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => i & 0xff));

/** A stream of `data` cut at the given offsets. */
function cut(data: Buffer, at: number[]): Readable {
  const edges = [0, ...at, data.length];
  return Readable.from(edges.slice(1).map((end, i) => data.subarray(edges[i], end)));
}

test('read: exact pieces whatever the chunking, including empty reads and reads spanning many chunks', async () => {
  const data = bytes(1000);
  for (const at of [[], [1, 2, 3, 500], [10, 20, 30, 40, 50, 999]]) {
    const source = sourceOf(cut(data, at));
    const got = [];
    for (const n of [0, 4, 100, 0, 395, 1, 500]) got.push(await source.read(n));
    assert.ok(Buffer.concat(got).equals(data), `cut at ${at}`);
    assert.deepEqual(got.map((b) => b.length), [0, 4, 100, 0, 395, 1, 500]);
  }
});

test('a read within one chunk is a view of it; one spanning chunks is a copy of just its bytes', async () => {
  const data = Buffer.alloc(300); // not from the pool a copy could come from
  bytes(300).copy(data);
  const source = sourceOf(cut(data, [100]));
  const view = await source.read(50);
  assert.equal(view.buffer, data.buffer);
  assert.equal((await source.read(10)).byteOffset, view.byteOffset + 50);
  const spanning = await source.read(100);
  assert.notEqual(spanning.buffer, data.buffer);
  assert.ok(spanning.equals(data.subarray(60, 160)));
});

test('readPieces: the next n bytes in order, as the chunks hold them; the rest is left for read', async () => {
  const data = bytes(1000);
  const source = sourceOf(cut(data, [3, 400, 401, 900]));
  assert.ok((await source.read(2)).equals(data.subarray(0, 2)));
  const pieces: Buffer[] = [];
  await source.readPieces(898, (piece) => void pieces.push(Buffer.from(piece)));
  assert.deepEqual(pieces.map((p) => p.length), [1, 397, 1, 499]);
  assert.ok(Buffer.concat(pieces).equals(data.subarray(2, 900)));
  await source.readPieces(0, () => assert.fail('no piece for no bytes'));
  assert.ok((await source.read(100)).equals(data.subarray(900)));
});

test('readPieces hands over what has arrived without waiting for the rest', async () => {
  const stream = new PassThrough();
  const source = sourceOf(stream);
  const pieces: Buffer[] = [];
  const reading = source.readPieces(10, (piece) => void pieces.push(Buffer.from(piece)));
  stream.write(bytes(4));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(pieces.map((p) => p.length), [4]);
  stream.write(bytes(10));
  await reading;
  assert.deepEqual(pieces.map((p) => p.length), [4, 6]);
  assert.equal((await source.read(4)).length, 4);
});

test('readPieces takes a chunk that arrives while it waits from the stream at once; the rest of it stays for read', async () => {
  const stream = new PassThrough();
  const source = sourceOf(stream);
  const pieces: Buffer[] = [];
  const reading = source.readPieces(6, (piece) => void pieces.push(Buffer.from(piece)));
  // Handed over within the stream's own event (sourceOf's listener runs first): nothing else ran in between.
  let seen: number[] | undefined;
  stream.once('data', () => (seen = pieces.map((p) => p.length)));
  stream.write(bytes(10));
  await reading;
  assert.deepEqual(seen, [6]);
  assert.ok((await source.read(4)).equals(bytes(10).subarray(6)));

  // A callback that throws on a later chunk: the read rejects, and what followed its share is still there.
  const failing = source.readPieces(3, () => {
    throw new Error('corrupt');
  });
  stream.write(bytes(5));
  await assert.rejects(failing, /corrupt/);
  assert.ok((await source.read(2)).equals(bytes(5).subarray(3)));

  // The stream ending while readPieces waits rejects it.
  const cut = source.readPieces(4, () => {});
  stream.end();
  await assert.rejects(cut, TruncatedStreamError);
});

test('a stream that ends early: what arrived can be read, then TruncatedStreamError', async () => {
  const data = bytes(100);
  let source = sourceOf(cut(data, [30]));
  assert.ok((await source.read(100)).equals(data));
  await assert.rejects(source.read(1), TruncatedStreamError);

  source = sourceOf(cut(data, [30]));
  await assert.rejects(source.read(101), TruncatedStreamError);

  source = sourceOf(cut(data, [30]));
  let got = 0;
  await assert.rejects(source.readPieces(101, (piece) => void (got += piece.length)), TruncatedStreamError);
  assert.equal(got, 100, 'every byte that came was handed over');
});

test("a stream's error rejects the read; an error thrown by readPieces' callback rejects it", async () => {
  const stream = new PassThrough();
  const source = sourceOf(stream);
  const reading = source.read(10);
  stream.destroy(new Error('connection reset'));
  await assert.rejects(reading, /connection reset/);

  const other = sourceOf(cut(bytes(100), [50]));
  await assert.rejects(
    other.readPieces(100, () => {
      throw new Error('corrupt');
    }),
    /corrupt/,
  );
});

test('a reader that falls behind pauses the stream (8 MiB buffered), and reading resumes it', async () => {
  const stream = new PassThrough({ highWaterMark: 1 << 20 });
  const source = sourceOf(stream);
  for (let i = 0; i < 9; i++) stream.write(Buffer.alloc(1 << 20));
  await new Promise((r) => setImmediate(r));
  assert.equal(stream.isPaused(), true);
  await source.readPieces(2 << 20, () => {});
  assert.equal(stream.isPaused(), false);
  assert.equal((await source.read(7 << 20)).length, 7 << 20);
});

/** A connected pair of plain sockets on 127.0.0.1: the server's and the client's ends. */
async function socketPair(): Promise<{ server: Socket; client: Socket; close: () => void }> {
  const listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const accepted = once(listener, 'connection');
  const client = connect((listener.address() as AddressInfo).port, '127.0.0.1');
  const [server] = (await accepted) as [Socket];
  return { server, client, close: () => (client.destroy(), server.destroy(), listener.close()) };
}

test("handOver: a plain socket with nothing read ahead is a child's to read and write on its own descriptor", async () => {
  const { server, client, close } = await socketPair();
  try {
    const source = sourceOf(server);
    client.write('hdr\n');
    assert.equal((await source.read(4)).toString(), 'hdr\n');
    const sock = source.handOver();
    assert.equal(sock, server);
    // The child echoes what it reads: the bytes reach it, not the source.
    const child = spawn(process.execPath, ['-e', 'process.stdin.pipe(process.stdout)'], { stdio: [sock!, sock!, 'inherit'] });
    const echoed = once(client, 'data');
    client.write('ping');
    assert.equal(String((await echoed)[0]), 'ping');
    client.end();
    await once(child, 'exit');
  } finally {
    close();
  }
});

test('handOver: not with bytes read ahead (they would be lost to the child), nor for a stream that is not a plain socket', async () => {
  const { server, client, close } = await socketPair();
  try {
    const source = sourceOf(server);
    client.write('hdr\nmore');
    while (server.bytesRead < 8) await once(server, 'data');
    assert.equal((await source.read(4)).toString(), 'hdr\n');
    assert.equal(source.handOver(), undefined, "'more' is buffered here");
    assert.equal((await source.read(4)).toString(), 'more', 'and still read here');
  } finally {
    close();
  }
  assert.equal(sourceOf(new PassThrough()).handOver(), undefined);
});
