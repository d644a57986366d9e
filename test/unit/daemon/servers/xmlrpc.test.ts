// The XML-RPC server (src/daemon/servers/xmlrpc.ts): a call sent again with the same bytes is
// answered as a first one is, and a kept listing's response is written as the plain list's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { xmlRpcHandler } from '../../../../src/daemon/servers/xmlrpc.js';
import { KeptArray, encodeCall, encodeResponse, keptList, retireList, type XmlRpcValue } from '../../../../src/protocol/xmlrpc/index.js';
import type { Method } from '../../../../src/daemon/methods.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let server: Server;
/** xend's default server, a Unix socket: its small buffers keep a large reply in flight while its reader waits. */
const dir = mkdtempSync(join(tmpdir(), 'xend-xmlrpc-server-'));
const socketPath = join(dir, 'xmlrpc.sock');
/** The arguments each call of `echo` received. */
const calls: unknown[][] = [];

const record: XmlRpcValue[] = ['domain', ['domid', 1], ['cpu_time', 0.5], ['name', 'a&b']];
const kept = new KeptArray(record, 2);
let listing = keptList([kept.with(['cpu_time', 0.5])], [kept]);

/** A listing of ~1.5 MB (kept: under 4 MiB) that moves on at every call, the last one retired as the record cache does. */
const CHURNED = 3_500;
const many = Array.from({ length: CHURNED }, (_, i) => new KeptArray<XmlRpcValue>(['domain', ['domid', i], ['cpu_time', 0], ['name', `guest-${i}`]], 2));
let churned: XmlRpcValue[] | undefined;
let tick = 0;
function churn(): XmlRpcValue[] {
  retireList(churned);
  const t = ++tick;
  return (churned = keptList(many.map((k) => k.with(['cpu_time', t])), many));
}
/** What churn's listing at tick `t` encodes to. */
const churnedAt = (t: number) => encodeResponse(Array.from({ length: CHURNED }, (_, i) => ['domain', ['domid', i], ['cpu_time', t], ['name', `guest-${i}`]]));

before(async () => {
  const methods = new Map<string, Method>([
    ['echo', (...args) => (calls.push(args), args)],
    ['listing', () => listing],
    ['churn', churn],
  ]);
  server = createServer(xmlRpcHandler({ methods, maxRequestBytes: 1 << 20 }));
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The reply to `body`, read once `gate` opens (the server's writes wait meanwhile). */
function post(body: string, gate?: { arrived: () => void; open: Promise<void> }, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, method: 'POST', path: '/RPC2', headers: { 'Content-Type': 'text/xml', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      if (gate) {
        res.pause();
        gate.arrived();
        void gate.open.then(() => res.on('data', (c: Buffer) => chunks.push(c)).resume());
      } else res.on('data', (c: Buffer) => chunks.push(c));
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

test('a listing asked for some keys (X-Xend-Listing-Keys) is answered with its records trimmed to them; a malformed header gets them whole', async () => {
  const call = encodeCall('listing', []);
  listing = keptList([kept.with(['cpu_time', 0.5])], [kept]);
  const header = (value: string) => ({ 'X-Xend-Listing-Keys': value });
  const trimmed = encodeResponse([['domain', ['cpu_time', 0.5], ['name', 'a&b']]]);
  assert.equal(await post(call, undefined, header('name cpu_time')), trimmed);
  assert.equal(await post(call, undefined, header('name cpu_time')), trimmed, 'asked again');
  assert.equal(await post(call, undefined, header('domid')), encodeResponse([['domain', ['domid', 1]]]));
  assert.equal(await post(call), encodeResponse([record]), 'without the header: whole');
  for (const bad of ['name  cpu_time', 'Name', 'name,cpu_time', '', `${'k '.repeat(64)}k`, 'x'.repeat(65)]) {
    assert.equal(await post(call, undefined, header(bad)), encodeResponse([record]), `${JSON.stringify(bad.slice(0, 20))}: whole`);
  }
  assert.equal(await post(encodeCall('echo', [['name', 1]]), undefined, header('domid')), encodeResponse([['name', 1]]), 'not a listing: as it is');
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

test('a kept response retired while it is written is not written over: each reply is its own listing', { timeout: 120_000 }, async () => {
  const call = encodeCall('churn', []);
  // No reply is read until all twelve have begun: each listing is retired while its reply is still being written.
  let arrived = 0;
  let open!: () => void;
  const gate = { arrived: () => ++arrived === 12 && open(), open: new Promise<void>((resolve) => (open = resolve)) };
  const replies = await Promise.all(Array.from({ length: 12 }, () => post(call, gate)));
  const seen = new Set<number>();
  for (const r of replies) {
    // The first record's cpu_time: the int before its name element.
    const t = Number(/<value><int>(\d+)<\/int><\/value>\n<\/data><\/array><\/value>\n<value><array><data>\n<value><string>name/.exec(r)?.[1]);
    assert.ok(t >= 1 && t <= 12 && !seen.has(t), `reply of listing ${t}`);
    seen.add(t);
    assert.ok(r === churnedAt(t), `listing ${t}: its own bytes, whole`);
  }
});
