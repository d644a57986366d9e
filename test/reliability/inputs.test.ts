/**
 * What a domain config may contain, checked where it enters xend: hotplug
 * scripts and their environment, VCPU and memory bounds, the files a client
 * other than root may give a guest, strings XML cannot carry, and names and
 * uuids that would alias another domain. Each attack is sent over every way
 * in (Unix and TCP XML-RPC, legacy HTTP, relocation) through real sockets.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestXend, eventually } from '../helpers/xend.js';
import { freePort } from '../helpers/transports.js';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { show } from '../../src/sxp/index.js';
import type { Sxp } from '../../src/sxp/types.js';
import type { XmlRpcValue } from '../../src/protocol/xmlrpc/index.js';
import { allDomains, disposeXend, exchange, faultCode, rpc, type Call } from './support.js';

/** A guest-state stream's header: signature, length, the config as SXP text. */
function header(config: Sxp | string): Buffer {
  const body = Buffer.from(typeof config === 'string' ? config : show(config), 'utf8');
  const head = Buffer.alloc(20);
  head.write('LinuxGuestRecord', 0, 'latin1');
  head.writeInt32BE(body.length, 16);
  return Buffer.concat([head, body]);
}

describe('what a domain config may contain', () => {
  let x: TestXend;
  let call: Call;
  let tcp: Call;
  let httpPort: number;
  let relocationPort: number;
  const marker = () => x.path('pwned');
  const vifLog = () => (existsSync(x.path('vif.log')) ? readFileSync(x.path('vif.log'), 'utf8').split('\n').filter(Boolean) : []);

  before(async () => {
    const tcpPort = await freePort();
    httpPort = await freePort();
    relocationPort = await freePort();
    x = new TestXend();
    const images = x.path('images');
    x.writeFile('images/vmlinuz', 'kernel');
    x.writeFile('images/disk.img', 'disk');
    x.writeFile('secret', 'root:$6$TOPSECRET\n');
    const script = x.writeFile('etc/xen/scripts/vif-test', '#!/bin/sh\nenv | sort > "$XEND_ROOT/env-$vif"\necho "$1 $vif" >> "$XEND_ROOT/vif.log"\n');
    chmodSync(script, 0o755);
    x.writeFile(
      'etc/xen/xend-config.sxp',
      `(vif-script vif-test)\n(sim-host-memory 4096)\n(xend-domain-image-path ${images})\n` +
        `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${tcpPort})\n` +
        `(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${httpPort})\n` +
        `(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${relocationPort})\n`,
    );
    const r = await x.xend('start');
    assert.equal(r.code, 0, r.stderr);
    call = rpc(x);
    const t = new XmlRpcTransport({ protocol: 'xmlrpc', host: '127.0.0.1', port: tcpPort, tls: false });
    tcp = (method: string, ...params: XmlRpcValue[]) => t.call(method, params, { timeoutMs: 30_000 });
  });
  after(() => disposeXend(x));

  /** A create over the legacy HTTP server: the status line and body. */
  async function httpCreate(config: Sxp | string): Promise<string> {
    const body = `op=create&config=${encodeURIComponent(typeof config === 'string' ? config : show(config))}`;
    const res = await exchange(httpPort, `POST /xend/domain HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`, { timeoutMs: 20_000 });
    return res.data.toString();
  }

  /** A relocation peer sending only a stream's header: xend's `(err …)` reply. */
  async function relocate(config: Sxp | string): Promise<string> {
    const res = await exchange(relocationPort, Buffer.concat([Buffer.from('receive\n'), header(config)]), { timeoutMs: 20_000 });
    return res.data.toString();
  }

  async function names(): Promise<string[]> {
    return (await allDomains(call)).map((d) => d.name);
  }

  test('a vif naming /bin/bash with BASH_ENV runs nothing, over TCP XML-RPC, legacy HTTP, relocation and even root\'s socket', async () => {
    const evil = (name: string, script: string): Sxp => ['vm', ['name', name], ['memory', 32], ['device', ['vif', ['script', script], ['BASH_ENV', `$(touch ${marker()}; echo /dev/null)`]]]];
    await assert.rejects(tcp('xend.domain.create', evil('evil-tcp', '/bin/bash')), (e: Error) => faultCode(e) === 2 && /a client other than root may only name a script in/.test(e.message));
    await assert.rejects(tcp('xend.domain.create', evil('evil-dots', '../../../../bin/bash')), /a client other than root may only name a script/);
    assert.match(await httpCreate(evil('evil-http', '/bin/bash')), /^HTTP\/1\.1 500 [\s\S]*a client other than root may only name a script/);
    assert.match(await relocate(evil('evil-reloc', '/bin/bash')), /\(err .*a client other than root may only name a script/);
    await assert.rejects(call('xend.domain.create', evil('evil-root', '/bin/bash')), /Invalid script: "\/bin\/bash" is outside .*xend-allow-foreign-scripts/);
    await assert.rejects(call('xend.domain.create', evil('evil-root2', '../../../../bin/bash')), /is outside/);
    // A legitimate create after them all: once its script has run, theirs would have too.
    await call('xend.domain.create', ['vm', ['name', 'after-evil'], ['memory', 32], ['device', ['vif', ['script', 'vif-test']]]]);
    await eventually(async () => vifLog().some((l) => l.startsWith('online ')));
    assert.equal(existsSync(marker()), false, 'no script ran the injected BASH_ENV');
    assert.deepEqual((await names()).filter((n) => n.startsWith('evil')), [], 'no refused domain exists');
    await call('xend.domain.destroy', 'after-evil');
  });

  test('a script in the scripts directory runs with the hotplug variables only: validated values, a fixed PATH, no key of the request', async () => {
    const cfg: Sxp = ['vm', ['name', 'net-ok'], ['memory', 32], ['device', ['vif', ['mac', '00:16:3e:0a:0b:0c'], ['bridge', 'xenbr0'], ['ip', '10.0.0.7 fd00::7/64'], ['BASH_ENV', '/tmp/x'], ['LD_PRELOAD', '/tmp/y.so']]]];
    const created = (await tcp('xend.domain.create', cfg)) as Sxp[];
    const domid = Number((created.find((e) => Array.isArray(e) && e[0] === 'domid') as Sxp[])[1]);
    const file = x.path(`env-vif${domid}.0`);
    await eventually(async () => existsSync(file) && readFileSync(file, 'utf8').includes('XENBUS_PATH'));
    const env = Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    assert.equal(env.mac, '00:16:3e:0a:0b:0c');
    assert.equal(env.bridge, 'xenbr0');
    assert.equal(env.ip, '10.0.0.7 fd00::7/64');
    assert.equal(env.XENBUS_PATH, `backend/vif/${domid}/0`);
    assert.equal(env.script, x.path('etc/xen/scripts/vif-test'));
    assert.equal(env.PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    for (const key of ['BASH_ENV', 'LD_PRELOAD', 'HOME', 'NODE_OPTIONS']) assert.equal(env[key], undefined, `${key} is not passed`);
    await call('xend.domain.destroy', 'net-ok');
  });

  test('vif values of the wrong kind are refused at create, on every server', async () => {
    const vif = (kv: Sxp[]): Sxp => ['vm', ['name', 'badvif'], ['memory', 32], ['device', ['vif', kv]]];
    const bad: [Sxp[], RegExp][] = [
      [['mac', '52:54:00:12:34:56,romfile=/etc/shadow'], /Invalid MAC address/],
      [['bridge', '../../../tmp/d,helper=/tmp/d/evil.sh'], /Invalid bridge/],
      [['vifname', 'a b'], /Invalid vifname/],
      [['ip', '10.0.0.1; id'], /Invalid ip/],
      [['ip', '10.0.0.1/33'], /Invalid ip/],
    ];
    for (const [kv, message] of bad) {
      await assert.rejects(call('xend.domain.create', vif(kv)), message, show(kv));
      await assert.rejects(tcp('xend.domain.create', vif(kv)), message, show(kv));
      assert.match(await httpCreate(vif(kv)), message);
      assert.match(await relocate(vif(kv)), message);
    }
    assert.equal((await names()).includes('badvif'), false);
  });

  test('vcpus beyond MAX_VIRT_CPUS are refused at create, vcpu-set, relocation; maxmem beyond the host at maxmem_set', async () => {
    const big: Sxp = ['vm', ['name', 'big'], ['vcpus', 100_000_000], ['memory', 16]];
    await assert.rejects(tcp('xend.domain.create', big), /100000000 VCPUs is more than Xen's maximum of 8192/);
    assert.match(await relocate(big), /more than Xen's maximum of 8192/);
    writeFileSync(x.path('big.chk'), header(big));
    await assert.rejects(call('xend.domain.restore', x.path('big.chk'), false), /more than Xen's maximum of 8192/);
    await call('xend.domain.new', ['vm', ['name', 'managed'], ['memory', 16]]);
    await assert.rejects(call('xend.domain.setVCpuCount', 'managed', 1_000_000), /more than Xen's maximum/);
    await call('xend.domain.create', ['vm', ['name', 'grow'], ['memory', 16]]);
    await assert.rejects(call('xend.domain.maxmem_set', 'grow', 3_000_000), /maxmem 3000000 MiB is more than the host's/);
    await assert.rejects(call('xend.domain.maxmem_set', 'managed', 2_000_000_000), /more than the host's/);
    const list = await x.xm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.doesNotMatch(list.stdout, /^big /m);
    await call('xend.domain.destroy', 'grow');
    await call('xend.domain.delete', 'managed');
  });

  test('over TCP, HTTP and relocation, disks, kernels, ramdisks and bootloaders lie in xend-domain-image-path; root names any', async () => {
    const withDisk = (name: string, uname: string): Sxp => ['vm', ['name', name], ['memory', 16], ['device', ['vbd', ['uname', uname], ['dev', 'xvda'], ['mode', 'r']]]];
    const withImage = (name: string, key: string, path: string): Sxp => ['vm', ['name', name], ['memory', 16], ['image', ['linux', [key, path]]]];
    const refused: Sxp[] = [
      withDisk('d1', `file:${x.path('secret')}`),
      withDisk('d2', 'file:/etc/shadow'),
      withDisk('d3', `tap:aio:${x.path('images/../secret')}`),
      withDisk('d4', 'phy:/dev/sda'),
      withDisk('d5', 'nbd:127.0.0.1:1'),
      withImage('k1', 'kernel', '/etc/passwd'),
      withImage('k2', 'ramdisk', x.path('secret')),
      ['vm', ['name', 'b1'], ['memory', 16], ['bootloader', '/bin/sh']],
      ['vm', ['name', 'p1'], ['memory', 16], ['device', ['pci', ['dev', ['domain', '0x0000'], ['bus', '0x00'], ['slot', '0x1f'], ['func', '0x2']]]]],
    ];
    for (const cfg of refused) {
      await assert.rejects(tcp('xend.domain.create', cfg), /a client other than root may (only use|not pass)/, show(cfg));
      assert.match(await httpCreate(cfg), /a client other than root may (only use|not pass)/);
      assert.match(await relocate(cfg), /a client other than root may (only use|not pass)/);
    }
    assert.deepEqual((await names()).filter((n) => /^[dkbp]\d$/.test(n)), []);
    await tcp('xend.domain.create', ['vm', ['name', 'inside'], ['memory', 16], ['image', ['linux', ['kernel', x.path('images/vmlinuz')]]], ['device', ['vbd', ['uname', `file:${x.path('images/disk.img')}`], ['dev', 'xvda'], ['mode', 'w']]]]);
    await call('xend.domain.create', withDisk('root-any', `file:${x.path('secret')}`));
    for (const n of ['inside', 'root-any']) await call('xend.domain.destroy', n);
  });

  test('strings XML 1.0 cannot carry, and strings over 64 KiB, are refused where configs enter; every client still lists', async () => {
    const described = (name: string, text: string): Sxp => ['vm', ['name', name], ['memory', 16], ['description', text]];
    assert.match(await httpCreate(`(vm (name ctl1) (memory 16) (description "a\x01b"))`), /description.*U\+0001, which XML 1\.0 cannot carry/);
    assert.match(await relocate('(vm (name ctl2) (memory 16) (description "a\x1bb"))'), /"description" contains U\+001B/);
    await assert.rejects(tcp('xend.domain.create', described('wide', 'x'.repeat(70_000))), /the value of "description" is longer than 65536 characters/);
    await assert.rejects(tcp('xend.domain.create', ['vm', ['name', 'wide2'], ['memory', 16], ['image', ['linux', ['extra', 'y'.repeat(70_000)]]]]), /"extra" is longer/);
    await call('xend.domain.create', described('fine', 'tabs\tand\nnewlines are fine'));
    const list = await x.xm('list');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((await names()).filter((n) => /^(ctl|wide)/.test(n)), []);
    await call('xend.domain.destroy', 'fine');
  });

  test('xm refuses a config file with a control character or too many VCPUs, naming the key, before sending anything', async () => {
    const ctl = x.writeFile('ctl.cfg', 'name = "ctlfile"\nmemory = 16\ndescription = "a\\x01b"\n');
    const r = await x.xm('create', ctl);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: Invalid configuration: the value of "description" contains U\+0001, which XML 1\.0 cannot carry$/m);
    const wide = x.writeFile('wide.cfg', 'name = "widefile"\nmemory = 16\nvcpus = 10**9\nmaxvcpus = 10**9\n');
    const w = await x.xm('create', wide);
    assert.equal(w.code, 1);
    assert.match(w.stderr, /^Error: Invalid configuration: 1000000000 VCPUs is more than Xen's maximum of 8192$/m);
    assert.deepEqual((await names()).filter((n) => n.endsWith('file')), []);
  });

  test('names and uuids that would alias another domain are refused, as xend did; a domain is named by a string', async () => {
    const created = (await call('xend.domain.create', ['vm', ['name', 'vm1'], ['memory', 16]])) as Sxp[];
    const field = (k: string) => (created.find((e) => Array.isArray(e) && e[0] === k) as Sxp[])[1];
    const uuid = String(field('uuid'));
    await assert.rejects(call('xend.domain.create', ['vm', ['name', '0'], ['memory', 16]]), /VM name '0' already exists as domain 0/);
    await assert.rejects(call('xend.domain.create', ['vm', ['name', String(field('domid'))], ['memory', 16]]), /already exists as domain/);
    await assert.rejects(call('xend.domain.create', ['vm', ['name', uuid], ['memory', 16]]), /already exists as domain/);
    await assert.rejects(call('xend.domain.setName', 'vm1', '0'), /VM name '0' already exists as domain 0/);
    await assert.rejects(call('xend.domain.new', ['vm', ['name', '0'], ['memory', 16]]), /VM name '0' already exists as domain 0/);
    await assert.rejects(call('xend.domain.setName', 'vm1', ['vm3']), /Invalid VM Name: a list is not one/);
    await assert.rejects(call('xend.domain.create', ['vm', ['name', ['vm2']], ['memory', 16]]), /Invalid VM Name/);
    await assert.rejects(call('xend.domain.destroy', ['vm1']), (e: Error) => faultCode(e) === 2 && /Invalid domain/.test(e.message));
    assert.match(await relocate(['vm', ['name', 'twin'], ['uuid', uuid], ['memory', 16]]), /\(err .*Domain 'vm1' already exists/);
    const all = await names();
    assert.ok(all.includes('vm1'), 'vm1 was not destroyed');
    assert.deepEqual(all.filter((n) => n === '0' || n === 'twin' || n === uuid), []);
    await call('xend.domain.destroy', 'vm1');
  });
});

describe('adoption at start survives any record', () => {
  test('a stored domain with 100,000,000 VCPUs is set aside with an ERROR; xend starts and lists the rest', async () => {
    const x = await TestXend.start('(sim-host-memory 4096)\n');
    try {
      const call = rpc(x);
      await call('xend.domain.create', ['vm', ['name', 'keep'], ['memory', 16]]);
      const created = (await call('xend.domain.create', ['vm', ['name', 'huge'], ['memory', 16], ['vcpus', 2]])) as Sxp[];
      const domid = Number((created.find((e) => Array.isArray(e) && e[0] === 'domid') as Sxp[])[1]);
      await x.stop();
      const record = x.path(`var/lib/xend/state/sim/domains/${domid}.json`);
      const stored = JSON.parse(readFileSync(record, 'utf8')) as { vcpus: number; onlineVcpus: number };
      stored.vcpus = 100_000_000;
      stored.onlineVcpus = 100_000_000;
      writeFileSync(record, JSON.stringify(stored));
      const r = await x.xend('start');
      assert.equal(r.code, 0, r.stderr);
      const list = await x.xm('list');
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /^keep /m);
      assert.doesNotMatch(list.stdout, /^huge /m);
      assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), new RegExp(`ERROR .*Domain ${domid} cannot be served \\(Invalid configuration: 100000000 VCPUs`));
      const aside = x.path('var/lib/xend/state/set-aside');
      assert.ok(readdirSync(aside).some((f) => f.endsWith(`-${domid}.json`)), 'its record is kept for a person to look at');
      assert.equal(JSON.parse(readFileSync(join(aside, readdirSync(aside)[0]!), 'utf8')).vcpus, 100_000_000);
    } finally {
      await disposeXend(x);
    }
  });

  test('a config accepted at an earlier start and edited since is read again, and set aside', async () => {
    const x = await TestXend.start('(sim-host-memory 4096)\n');
    try {
      const call = rpc(x);
      await call('xend.domain.create', ['vm', ['name', 'keep'], ['memory', 16]]);
      const created = (await call('xend.domain.create', ['vm', ['name', 'edited'], ['memory', 16]])) as Sxp[];
      const domid = Number((created.find((e) => Array.isArray(e) && e[0] === 'domid') as Sxp[])[1]);
      // A restart accepts both configs and remembers them.
      await x.stop();
      assert.equal((await x.xend('start')).code, 0);
      await x.stop();
      const record = x.path(`var/lib/xend/state/sim/domains/${domid}.json`);
      const stored = JSON.parse(readFileSync(record, 'utf8')) as { config: { vcpus: number } };
      stored.config.vcpus = 100_000_000;
      writeFileSync(record, JSON.stringify(stored));
      const r = await x.xend('start');
      assert.equal(r.code, 0, r.stderr);
      const list = await x.xm('list');
      assert.match(list.stdout, /^keep /m);
      assert.doesNotMatch(list.stdout, /^edited /m);
      assert.match(readFileSync(x.path('var/log/xen/xend.log'), 'utf8'), new RegExp(`ERROR .*Domain ${domid} cannot be served \\(Invalid configuration: 100000000 VCPUs`));
    } finally {
      await disposeXend(x);
    }
  });
});
