// The relocation server (src/daemon/servers/relocation.ts) against a stand-in checkpoint
// service: its idle limit holds a peer to its request, not xl's stream once it runs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { relocationHandler } from '../../../../src/daemon/servers/relocation.js';
import type { ByteSink, ByteSource } from '../../../../src/protocol/byte-stream.js';
import { quiet } from '../../../helpers/sim-domains.js';

const IDLE_MS = 100;
/** Silence many times the limit: a connection the limit held to would be gone by its end. */
const SILENCE_MS = 10 * IDLE_MS;

let server: Server;
let port: number;
/** What the stand-in xl received after its silence. */
let received = '';

before(async () => {
  const checkpoints = {
    receiveRelocated: () => Promise.reject(new Error('not this test')),
    // As xl migrate-receive: ready, then the stream, then its answer on the same connection.
    receiveByTool: async (source: ByteSource, sink: ByteSink, ready: () => void) => {
      ready();
      received = (await source.read(4)).toString();
      await sink.write(Buffer.from('done'));
      return { name: 'p1', domid: 7 } as never;
    },
  };
  server = createServer(relocationHandler(checkpoints, quiet, IDLE_MS));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

function connect(): Promise<Socket> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port }, () => resolve(s));
    s.on('error', () => {});
  });
}

/** Everything the server sends until it closes the connection. */
function whole(s: Socket): Promise<string> {
  let got = '';
  s.on('data', (d: Buffer) => (got += d.toString('latin1')));
  return new Promise((resolve) => s.once('close', () => resolve(got)));
}

const silence = () => new Promise((r) => setTimeout(r, SILENCE_MS));

test('a peer silent before its request is dropped at the limit', { timeout: 60_000 }, async () => {
  const s = await connect();
  assert.equal(await whole(s), '');
});

test("xl's stream may fall silent past the limit (libxl waits for a guest to suspend): it runs on", { timeout: 60_000 }, async () => {
  const s = await connect();
  const said = whole(s);
  s.write('xlreceive\n');
  await new Promise<void>((resolve) => s.once('data', () => resolve()));
  await silence();
  s.end('data');
  assert.equal(await said, '(ready xlreceive)\ndone');
  assert.equal(received, 'data');
});
