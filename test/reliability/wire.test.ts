/**
 * What the wire protocols refuse (issue 17, items 15–17): method names that
 * only exist on Object.prototype, invalid UTF-8 in an XML-RPC request or an
 * HTTP form, malformed %-escapes in an HTTP path; control characters in
 * values xend logs (item 14); and xm's message for a config file that runs
 * out of memory.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { TestXend } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
import { allDomains, disposeXend, exchange, rpc } from './support.js';

function post(path: string, type: string, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`), body]);
}

describe('XML-RPC and legacy HTTP refuse what they cannot read', () => {
  let x: TestXend;
  let ports: { xmlrpc: number; http: number };
  before(async () => {
    ports = { xmlrpc: await freePort(), http: await freePort() };
    x = await TestXend.start(
      `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${ports.xmlrpc})\n` +
        `(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${ports.http})\n`,
    );
  });
  after(() => disposeXend(x));

  test("names of Object.prototype's members are unknown methods, like any other unknown name", async () => {
    const call = rpc(x);
    for (const name of ['constructor', 'toString', 'isPrototypeOf', 'hasOwnProperty', 'valueOf', '__proto__', '__defineGetter__', 'no.such.method']) {
      assert.deepEqual(await call(name), { Status: 'Failure', ErrorDescription: ['MESSAGE_METHOD_UNKNOWN', name] }, name);
    }
  });

  test('invalid UTF-8 in an XML-RPC request is a fault, and nothing is created', async () => {
    const xml = Buffer.concat([
      Buffer.from('<?xml version="1.0"?><methodCall><methodName>xend.domain.create</methodName><params><param><value><array><data>' +
        '<value><string>vm</string></value><value><array><data><value><string>name</string></value><value><string>utf8bad</string></value></data></array></value>' +
        '<value><array><data><value><string>memory</string></value><value><int>32</int></value></data></array></value>' +
        '<value><array><data><value><string>description</string></value><value><string>'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('</string></value></data></array></value></data></array></value></param></params></methodCall>'),
    ]);
    const reply = (await exchange(ports.xmlrpc, post('/RPC2', 'text/xml', xml), { timeoutMs: 30_000 })).data.toString();
    assert.match(reply, /^HTTP\/1\.1 200 [\s\S]*<fault>[\s\S]*not valid UTF-8/);
    assert.ok(!(await allDomains(rpc(x))).some((d) => d.name === 'utf8bad'), 'no domain was created');
  });

  test('an HTTP form with invalid UTF-8, raw or %-escaped, or a malformed %-escape, is 400, and nothing is created', async () => {
    const config = encodeURIComponent('(vm (name utf8bad) (memory 32) (description "x"))');
    for (const body of [
      Buffer.concat([Buffer.from(`op=create&config=${config}&x=`), Buffer.from([0xff])]),
      Buffer.from(`op=create&config=${config.replace('x', '%C3%28')}`),
      Buffer.from(`op=create&config=${config}&x=%zz`),
    ]) {
      const reply = (await exchange(ports.http, post('/xend/domain', 'application/x-www-form-urlencoded', body), { timeoutMs: 30_000 })).data.toString();
      assert.match(reply, /^HTTP\/1\.1 400 /, body.toString('latin1'));
    }
    assert.ok(!(await allDomains(rpc(x))).some((d) => d.name === 'utf8bad'), 'no domain was created');
  });

  test('a malformed %-escape in an HTTP path is 400, not 500', async () => {
    for (const path of ['/xend/domain/%', '/xend/domain/%zz', '/xend/domain/%C3%28', '/xend/%E0%A4%A']) {
      const reply = (await exchange(ports.http, `GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`, { timeoutMs: 30_000 })).data.toString();
      assert.match(reply, /^HTTP\/1\.1 400 /, path);
    }
  });
});

describe('xend.log', () => {
  test('values with control characters (a save path with a newline, sysrq keys NUL, newline and ESC) cannot forge or break lines', async () => {
    const x = await TestXend.start();
    try {
      const call = rpc(x);
      await call('xend.domain.create', ['vm', ['name', 'logged'], ['memory', 32]]);
      await call('xend.domain.unpause', 'logged');
      await call('xend.domain.send_sysrq', 'logged', 0);
      await call('xend.domain.send_sysrq', 'logged', 10);
      await call('xend.domain.send_sysrq', 'logged', 0x1b);
      const forged = '\n[2000-01-01 00:00:00 1] INFO (XendDomain:1) forged';
      await call('xend.domain.save', 'logged', x.path(`saved${forged}`), false).catch(() => undefined);
      const lines = readFileSync(x.path('var/log/xen/xend.log'), 'latin1').split('\n').slice(0, -1);
      const record = /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \d+\] (TRACE|DEBUG|INFO|WARNING|ERROR|CRITICAL) \(\w+:\d+\) /;
      for (const l of lines) {
        assert.match(l, record, 'every line is a record of its own');
        assert.doesNotMatch(l, /[\x00-\x1f\x7f-\x9f]/, 'no control character reaches the file');
        assert.doesNotMatch(l, /^\[2000-/, 'no forged record');
      }
      assert.ok(lines.some((l) => l.includes('sysrq \\x00')) && lines.some((l) => l.includes('sysrq \\n')) && lines.some((l) => l.includes('sysrq \\x1b')), 'the keys are logged, escaped');
      assert.ok(lines.some((l) => l.includes('\\n[2000-01-01 00:00:00 1] INFO (XendDomain:1) forged')), 'the path is logged, escaped');
    } finally {
      await disposeXend(x);
    }
  });
});

describe("xm's messages", () => {
  test('a config file that runs out of memory names the error (MemoryError), not an empty "Error: "', async () => {
    const x = new TestXend();
    try {
      // An exception whose str() is empty (MemoryError(), a bare raise): the message names its type.
      const file = x.writeFile('big.cfg', 'name = "big"\nmemory = 64\nraise MemoryError\n');
      const r = await x.xm('create', '-n', file);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: MemoryError$/m);
    } finally {
      await x.dispose();
    }
  });
});
