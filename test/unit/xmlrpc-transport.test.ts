// The XML-RPC transport (src/transport/xmlrpc.ts): a listing read for some keys says which
// (X-Xend-Listing-Keys), and a server that sends the records whole anyway is read alike.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { encodeResponse, type XmlRpcValue } from '../../src/protocol/xmlrpc/index.js';

const dir = mkdtempSync(join(tmpdir(), 'xmlrpc-transport-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Two records whole, as xend 4.4 sends them whatever the client reads. */
const whole = [
  ['domain', ['domid', 0], ['cpus', [[0, 1]]], [3, 'x'], ['name', 'Domain-0'], ['image', ['linux', ['kernel', '']]]],
  ['domain', ['domid', 7], ['name', 'vm'], ['device', ['vif', ['mac', '00:16:3e:00:00:01']]]],
];

/** A server that records each request's headers and answers every call with `whole`. */
async function listen(at: { path: string } | { host: string; port: 0 }): Promise<{ server: Server; heads: IncomingHttpHeaders[] }> {
  const heads: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    heads.push(req.headers);
    req.resume().on('end', () => res.end(encodeResponse(whole)));
  });
  await new Promise<void>((done) => server.listen(at, done));
  return { server, heads };
}

for (const over of ['a Unix socket', 'TCP'] as const) {
  test(`over ${over}: a listing for some keys asks for them, is read whole from a server that ignores it; other calls ask nothing`, async () => {
    const socketPath = join(dir, 'xmlrpc.sock');
    const { server, heads } = await listen(over === 'TCP' ? { host: '127.0.0.1', port: 0 } : { path: socketPath });
    try {
      const address = server.address();
      const transport = new XmlRpcTransport(
        typeof address === 'string' || !address ? { protocol: 'xmlrpc', socketPath } : { protocol: 'xmlrpc', host: '127.0.0.1', port: address.port, tls: false },
      );
      const read = await transport.call('xend.domains_with_state', [true, 'all', 0], { sxpKeys: new Set(['name', 'domid']) });
      assert.deepEqual(read, [
        ['domain', ['domid', 0], [3, 'x'], ['name', 'Domain-0']],
        ['domain', ['domid', 7], ['name', 'vm']],
      ], 'the children of other keys passed over; a child not headed by a string read');
      assert.equal(heads[0]!['x-xend-listing-keys'], 'name domid');
      const each = await transport.call('xend.domains_with_state', [true, 'all', 0], { sxpKeys: new Set(['name']), eachItem: (r) => (r as XmlRpcValue[])[1] ?? null });
      assert.deepEqual(each, [[3, 'x'], ['name', 'vm']], 'each record as eachItem made it');
      assert.deepEqual(await transport.call('xend.domains_with_state', [true, 'all', 0]), whole);
      assert.equal(heads[2]!['x-xend-listing-keys'], undefined);
    } finally {
      server.close();
    }
  });
}
