// The XML-RPC server (src/daemon/servers/xmlrpc.ts): a call sent again with the same bytes is
// answered as a first one is, and a kept listing's response is written as the plain list's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { xmlRpcHandler } from '../../../../src/daemon/servers/xmlrpc.js';
import { KeptArray, encodeCall, encodeResponse, keptList, type XmlRpcValue } from '../../../../src/protocol/xmlrpc/index.js';
import type { Method } from '../../../../src/daemon/methods.js';

let server: Server;
let port: number;
/** The arguments each call of `echo` received. */
const calls: unknown[][] = [];

const record: XmlRpcValue[] = ['domain', ['domid', 1], ['cpu_time', 0.5], ['name', 'a&b']];
const kept = new KeptArray(record, 2);
let listing = keptList([kept.with(['cpu_time', 0.5])], [kept]);

before(async () => {
  const methods = new Map<string, Method>([
    ['echo', (...args) => (calls.push(args), args)],
    ['listing', () => listing],
  ]);
  server = createServer(xmlRpcHandler({ methods, maxRequestBytes: 1 << 20 }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});
after(() => server.close());

function post(body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/RPC2', headers: { 'Content-Type': 'text/xml' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a call sent again with the same bytes is answered as the first, with the same arguments', async () => {
  const scalars = encodeCall('echo', [true, 'all', 0]);
  const answers = [await post(scalars), await post(scalars)];
  assert.deepEqual(answers, [encodeResponse([true, 'all', 0]), encodeResponse([true, 'all', 0])]);
  const nested = encodeCall('echo', [['x'], 1]);
  assert.equal(await post(nested), encodeResponse([['x'], 1]));
  assert.equal(await post(encodeCall('echo', ['other'])), encodeResponse(['other']));
  assert.equal(await post(scalars), encodeResponse([true, 'all', 0]));
  assert.deepEqual(calls, [[true, 'all', 0], [true, 'all', 0], [['x'], 1], ['other'], [true, 'all', 0]]);
});

test('a kept listing is answered with the bytes of the plain list, a new listing with its own', async () => {
  const call = encodeCall('listing', []);
  assert.equal(await post(call), encodeResponse([record]));
  assert.equal(await post(call), encodeResponse([record]));
  listing = keptList([kept.with(['cpu_time', 0.75])], [kept]);
  assert.equal(await post(call), encodeResponse([record.map((x, i) => (i === 2 ? ['cpu_time', 0.75] : x))]));
});

test('a kept listing too large to hold is answered with the plain list\'s bytes every time', async () => {
  // ~300 bytes a record: past the 4 MiB kept for a listing.
  const many = Array.from({ length: 16_000 }, () => kept.with(['cpu_time', 0.5]));
  listing = keptList(many, many.map(() => kept));
  const call = encodeCall('listing', []);
  const expected = encodeResponse(Array.from({ length: 16_000 }, () => record));
  assert.ok(Buffer.byteLength(expected) > 4 << 20);
  assert.equal(await post(call), expected);
  assert.equal(await post(call), expected);
});
