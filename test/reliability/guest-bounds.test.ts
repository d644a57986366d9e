/**
 * A simulated guest is untrusted: what is typed at its console (from any
 * writer, TCP included) is bounded by the guest, and a guest that exceeds its
 * bounds crashes (its on_crash applies), never xend.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { parseServerUri } from '../../src/transport/uri.js';
import { eventually, type TestXend } from '../helpers/xend.js';
import { startXendOver } from '../helpers/transports.js';
import { disposeXend, workerPid } from './support.js';

let x: TestXend & { uri: string };

before(async () => {
  x = await startXendOver('xmlrpc-tcp');
});
after(() => disposeXend(x));

/** A console writer over TCP and everything the guest has printed on it so far. */
async function consoleOf(dom: string): Promise<{ stream: Duplex; seen: () => string }> {
  const address = parseServerUri(x.uri);
  assert.equal(address.protocol, 'xmlrpc');
  const stream = await new XmlRpcTransport(address as Extract<typeof address, { protocol: 'xmlrpc' }>).openConsole(dom, { write: true, force: false, replay: 'all' });
  let text = '';
  stream.on('data', (d: Buffer) => (text += d.toString('latin1')));
  return { stream, seen: () => text };
}

async function domid(name: string): Promise<string | undefined> {
  const r = await x.xm('domid', name);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

test('a typed line longer than the tty buffer is cut at 4,095 bytes, and the shell answers', async () => {
  assert.equal((await x.xm('create', '/dev/null', 'name=longline', 'memory=32')).code, 0);
  const con = await consoleOf('longline');
  await eventually(async () => /root@longline:~# $/.test(con.seen()), 30_000);
  con.stream.write(`${'z'.repeat(10_000)}\r`);
  const answer = await eventually(async () => /-bash: (z+): command not found/.exec(con.seen()) ?? undefined, 30_000);
  assert.equal(answer[1]!.length, 4095);
  con.stream.destroy();
});

test('A=$A$A repeated from a TCP console writer crashes the guest (on_crash=restart), never xend', async () => {
  const worker = workerPid(x);
  assert.equal((await x.xm('create', '/dev/null', 'name=doubler', 'memory=32', 'on_crash=restart')).code, 0);
  const first = await domid('doubler');
  const con = await consoleOf('doubler');
  await eventually(async () => /root@doubler:~# $/.test(con.seen()), 30_000);
  con.stream.write(`A=x\r${'A=$A$A\r'.repeat(64)}`);
  await eventually(async () => con.seen().includes('Kernel panic - not syncing'), 30_000);
  assert.match(con.seen(), /Out of memory: Kill process 1 \(bash\)/);
  con.stream.destroy();
  // on_crash=restart: the same name comes back as a new domain, running.
  await eventually(async () => {
    const id = await domid('doubler');
    return id !== undefined && id !== first;
  }, 30_000);
  const list = await x.xm('list', 'doubler');
  assert.equal(list.code, 0, list.stderr);
  assert.match(list.stdout, /^doubler\s/m);
  assert.equal(workerPid(x), worker, 'the worker is the one that started');
});
