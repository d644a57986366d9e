// `xend __xl-relay`, the command xl's live migration runs, against a stand-in
// relocation server: what it asks, what it carries, and why it stops.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, runBin } from '../helpers/xend.js';

const RECORD = '(domain (name p1) (memory 64))\n';

/** A relocation server on a free loopback port that hands each connection to `serve`, and its port. */
async function relocationServer(serve: (socket: Socket, request: () => Promise<string>) => void): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => {
    let got = '';
    const waiters: Array<() => void> = [];
    socket.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      for (const w of waiters.splice(0)) w();
    });
    // Resolves with what came once the request line and xend's record are in.
    const request = () =>
      new Promise<string>((done) => {
        const check = () => (got.includes(RECORD) ? done(got) : waiters.push(check));
        check();
      });
    serve(socket, request);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { port: (server.address() as { port: number }).port, close: () => server.close() };
}

function relay(port: number, input: string) {
  const record = join(mkdtempSync(join(tmpdir(), 'xl-relay-')), '5.migrate');
  writeFileSync(record, RECORD);
  // xl appends the host and the receiving command to the -s command line.
  return runBin(join(REPO, 'bin/xend'), ['__xl-relay', String(port), record, '127.0.0.1', 'xl', 'migrate-receive'], process.env, { input, timeoutMs: 30_000 });
}

test("the relay asks xlreceive with xend's record, then carries xl's stream both ways", { timeout: 60_000 }, async () => {
  let asked = '';
  const srv = await relocationServer(async (socket, request) => {
    asked = await request();
    socket.write('(ready xlreceive)\nreceiver says hello');
    let stream = '';
    socket.on('data', (d: Buffer) => (stream += d.toString('latin1')));
    socket.on('end', () => socket.end(`|got ${stream.length} more`));
  });
  try {
    const r = await relay(srv.port, 'the domain stream');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(asked, `xlreceive\n${RECORD}`);
    assert.equal(r.stdout, `receiver says hello|got ${'the domain stream'.length} more`);
    assert.equal(r.stderr, `xl-relay: ${'the domain stream'.length} bytes sent\n`);
  } finally {
    srv.close();
  }
});

test("a receiver's refusal is the relay's reason on xl's stderr, and nothing of xl's is carried", { timeout: 60_000 }, async () => {
  let carried = '';
  const srv = await relocationServer(async (socket, request) => {
    carried = await request();
    socket.on('data', (d: Buffer) => (carried += d.toString('latin1')));
    socket.end(`(err (type "<class 'xen.xend.XendError.XendError'>") (value "Domain 'p1' already exists with ID '3'"))\n`);
  });
  try {
    const r = await relay(srv.port, 'the domain stream');
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `xl-relay: Domain 'p1' already exists with ID '3' (from 127.0.0.1:${srv.port})\n`);
    assert.equal(carried, `xlreceive\n${RECORD}`);
  } finally {
    srv.close();
  }
});

test('no relocation server: the relay says where it looked', { timeout: 60_000 }, async () => {
  const srv = await relocationServer(() => {});
  srv.close();
  const r = await relay(srv.port, '');
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`^xl-relay: can't connect: Connection refused\\nNo relocation server answered at 127\\.0\\.0\\.1:${srv.port}`));
});
