import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { TestXend } from '../helpers/xend.js';
import { PYTHON_UNIX_TRANSPORT } from '../helpers/python-xmlrpc.js';

/**
 * Real clients against our xend: Python's xmlrpc.client, driven the way xm's
 * ServerProxy drove xend over the Unix socket, and the `xmlrpc` npm package.
 */
const PYTHON_SESSION = String.raw`${PYTHON_UNIX_TRANSPORT}
import json, sys

def conv_string(s):
    # xm's client-side undoing of xend's repr() escaping of top-level strings
    return eval("'" + s.replace("'", "\\047") + "'")

server = xmlrpc.client.ServerProxy('http://localhost/RPC2', transport=UnixTransport(sys.argv[1]), allow_none=True)
out = {}
created = server.xend.domain.create(['vm', ['name', 'py1'], ['memory', 128], ['vcpus', 2],
    ['image', ['linux', ['kernel', '/boot/vmlinuz'], ['args', 'root=/dev/xvda1 ro']]],
    ['device', ['vbd', ['uname', 'file:/img'], ['dev', 'xvda'], ['mode', 'w']]]])
out['created'] = created
out['unpause'] = server.xend.domain.unpause('py1')
out['names'] = server.xend.domains_with_state(False, 'all', False)
out['running'] = [d[0] for d in server.xend.domains(True)]
out['domain'] = server.xend.domain('py1')
def fault(f, *a):
    try:
        f(*a)
        return None
    except xmlrpc.client.Fault as e:
        return [e.faultCode, e.faultString]
out['unknown'] = fault(server.xend.domain, 'nope')
out['dom0'] = fault(server.xend.domain.destroy, 0)
out['reason'] = fault(server.xend.domain.shutdown, 'py1', 'sideways')
out['bogus'] = server.xend.no.such.method()
out['info'] = server.xend.node.info()
out['log'] = conv_string(server.xend.node.log())
out['methods'] = server.system.listMethods()
out['pause'] = server.xend.domain.pause('py1')
out['state'] = [x for x in server.xend.domain('py1') if x[0] == 'state']
out['destroy'] = server.xend.domain.destroy('py1')
out['after'] = fault(server.xend.domain, 'py1')
print(json.dumps(out))
`;

describe('interop with real XML-RPC clients', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start();
  });
  after(() => x.dispose());

  test('a Python xmlrpc.client session works as xm did', () => {
    const r = spawnSync('python3', ['-c', PYTHON_SESSION, x.path('var/run/xend/xmlrpc.sock')], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.created[0], 'domain');
    assert.deepEqual(out.created.find((e: unknown[]) => e[0] === 'name'), ['name', 'py1']);
    assert.deepEqual(out.created.find((e: unknown[]) => e[0] === 'state'), ['state', '--p---']);
    assert.equal(out.unpause, null);
    assert.deepEqual(out.names, ['Domain-0', 'py1']);
    assert.deepEqual(out.running, ['domain', 'domain']);
    assert.equal(out.domain.some((e: unknown[]) => e[0] === 'device'), false, 'xend.domain without full has no devices');
    assert.deepEqual(out.unknown, [3, 'nope']);
    assert.deepEqual(out.dom0, [2, 'Cannot destroy privileged domain 0']);
    assert.deepEqual(out.reason, [2, 'Invalid reason: sideways']);
    assert.deepEqual(out.bogus, { Status: 'Failure', ErrorDescription: ['MESSAGE_METHOD_UNKNOWN', 'xend.no.such.method'] });
    assert.equal(out.info[0][0], 'system');
    assert.deepEqual(out.info.at(-1), ['xend_config_format', 4]);
    assert.match(out.log, /\] INFO \(SrvDaemon:\d+\) Xend Daemon started\n/);
    assert.ok(out.methods.includes('xend.domain.create'));
    assert.ok(out.methods.includes('system.listMethods'));
    assert.deepEqual(out.state, [['state', '--p---']]);
    assert.deepEqual(out.after, [3, 'py1']);
  });

  test('the xmlrpc npm package (an independent client) drives it over the Unix socket', async () => {
    const xmlrpc = createRequire(import.meta.url)('xmlrpc') as {
      createClient(o: object): { methodCall(m: string, p: unknown[], cb: (e: { faultCode?: number; faultString?: string } | null, v: unknown) => void): void };
    };
    const client = xmlrpc.createClient({ socketPath: x.path('var/run/xend/xmlrpc.sock'), path: '/RPC2' });
    const call = (m: string, p: unknown[]) =>
      new Promise<{ err: { faultCode?: number; faultString?: string } | null; value: unknown }>((done) =>
        client.methodCall(m, p, (err, value) => done({ err, value })),
      );
    const list = await call('xend.domains_with_state', [false, 'all', false]);
    assert.equal(list.err, null);
    assert.ok((list.value as string[]).includes('Domain-0'));
    const missing = await call('xend.domain', ['ghost', false]);
    assert.equal(missing.err?.faultCode, 3);
    assert.equal(missing.err?.faultString, 'ghost');
  });

  test('a malformed request gets a fault and the server stays up', async () => {
    const r = spawnSync(
      'python3',
      ['-c', String.raw`
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
body = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>'
s.sendall(b'POST /RPC2 HTTP/1.0\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n' % len(body) + body)
print(s.makefile('rb').read().decode())
`, x.path('var/run/xend/xmlrpc.sock')],
      { encoding: 'utf8', timeout: 10_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK/);
    assert.match(r.stdout, /<name>faultCode<\/name>\s*<value><int>1<\/int>/);
    assert.equal((await x.xm('list')).code, 0);
  });
});
