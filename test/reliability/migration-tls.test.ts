/**
 * The SSL migration sender (issue 23 item 6): with
 * (xend-relocation-ssl-ca-file FILE) the destination's certificate must be
 * signed by those CAs and name the host migrated to, or nothing is sent and the
 * domain keeps running here; without it any certificate is accepted, as xend
 * did, and xend.log warns about each such migration.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestXend } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
import { allDomains, disposeXend, rpc } from './support.js';

/** A self-signed certificate for `localhost` only (no IP address in it). */
function certificate(dir: string, name: string): { key: string; cert: string } {
  const key = join(dir, `${name}-key.pem`);
  const cert = join(dir, `${name}-cert.pem`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { stdio: 'ignore' });
  return { key, cert };
}

const WARNING = / WARNING .*over SSL without xend-relocation-ssl-ca-file/;

describe('the SSL migration sender verifies the destination when given a CA file', () => {
  let dst: TestXend;
  let port: number;
  let certs: { dst: { key: string; cert: string }; other: { key: string; cert: string } };
  before(async () => {
    port = await freePort();
    dst = new TestXend();
    certs = { dst: certificate(dst.root, 'dst'), other: certificate(dst.root, 'other') };
    dst.writeFile(
      'etc/xen/xend-config.sxp',
      `(xend-relocation-ssl-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-ssl-port ${port})\n` +
        `(xend-relocation-server-ssl-key-file ${certs.dst.key})\n(xend-relocation-server-ssl-cert-file ${certs.dst.cert})\n`,
    );
    const r = await dst.xend('start');
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => disposeXend(dst));

  /** A source xend with `config`, one running domain `name`, and its migration over SSL to `host`. */
  async function migrate(config: string, name: string, host: string) {
    const src = await TestXend.start(config);
    try {
      assert.equal((await src.xm('create', '/dev/null', `name=${name}`, 'memory=32')).code, 0);
      const r = await src.xm('migrate', '-s', '-p', String(port), name, host);
      const here = (await allDomains(rpc(src))).filter((d) => d.name === name);
      return { ...r, here, log: readFileSync(src.path('var/log/xen/xend.log'), 'utf8') };
    } finally {
      await disposeXend(src);
    }
  }

  test('with the CA that signed it, to the name it carries: migrated, no warning', async () => {
    const r = await migrate(`(xend-relocation-ssl-ca-file ${certs.dst.cert})\n`, 'trusted', 'localhost');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.here, [], 'the domain left the source');
    assert.ok((await allDomains(rpc(dst))).some((d) => d.name === 'trusted'), 'and runs on the destination');
    assert.doesNotMatch(r.log, WARNING);
  });

  test('a certificate another CA signed: refused, nothing sent, the domain keeps running here', async () => {
    const r = await migrate(`(xend-relocation-ssl-ca-file ${certs.other.cert})\n`, 'stranger', 'localhost');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*(certificate|self.signed)/im);
    assert.equal(r.here.length, 1);
    assert.equal(r.here[0]!.paused, false, 'still running');
    assert.ok(!(await allDomains(rpc(dst))).some((d) => d.name === 'stranger'), 'the destination got nothing');
  });

  test('a certificate that does not name the host migrated to (127.0.0.1): refused', async () => {
    const r = await migrate(`(xend-relocation-ssl-ca-file ${certs.dst.cert})\n`, 'misnamed', '127.0.0.1');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: .*(altnames|does not match|IP: 127\.0\.0\.1)/im);
    assert.equal(r.here.length, 1);
    assert.ok(!(await allDomains(rpc(dst))).some((d) => d.name === 'misnamed'));
  });

  test('without a CA file: any certificate is accepted, as xend did, and the log warns', async () => {
    const r = await migrate('', 'unverified', '127.0.0.1');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.log, WARNING);
  });

  test('a CA file that cannot be read stops xend start, naming the option', async () => {
    const x = new TestXend();
    try {
      x.writeFile('etc/xen/xend-config.sxp', `(xend-relocation-ssl-ca-file ${x.path('missing.pem')})\n`);
      const r = await x.xend('start');
      assert.notEqual(r.code, 0);
      assert.match(r.stderr + readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), /cannot read xend-relocation-ssl-ca-file/);
    } finally {
      await disposeXend(x);
    }
  });
});
