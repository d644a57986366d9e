import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { TestXend, type RunResult } from '../helpers/xend.js';
import { pythonCalls } from '../helpers/python-xmlrpc.js';
import { freePort, startXendOver, type TransportName } from '../helpers/transports.js';

/**
 * What xend 4.4 did with what it was sent (issue 15, xend side), through the
 * built binaries, over the Unix socket and over TCP.
 */

function ok(r: RunResult, what: string): string {
  assert.equal(r.code, 0, `${what}: exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** The rows of `xm vcpu-list` as [vcpu, cpu, affinity]. */
function vcpuRows(out: string): string[][] {
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/ +/))
    .map((f) => [f[2]!, f[3]!, f[6]!]);
}

function fidelitySuite(transport: TransportName): void {
  describe(`xend fidelity over ${transport}`, () => {
    let x: Awaited<ReturnType<typeof startXendOver>>;
    before(async () => {
      x = await startXendOver(transport, '(sim-host-memory 4096)\n(sim-host-cpus 4)\n');
    });
    after(() => x.dispose());

    test('create applies cpu_weight, cpu_cap, cpus and vcpu_avail', async () => {
      ok(await x.xm('create', '/dev/null', 'name=w1', 'cpu_weight=512', 'cpu_cap=20', 'vcpus=1', 'maxvcpus=4', 'cpus=2'), 'create w1');
      assert.match(ok(await x.xm('sched-credit', '-d', 'w1'), 'sched-credit'), /\nw1 +\d+ +512 +20\n$/);
      assert.deepEqual(vcpuRows(ok(await x.xm('vcpu-list', 'w1'), 'vcpu-list')), [
        ['0', '2', '2'],
        ['1', '-', '2'],
        ['2', '-', '2'],
        ['3', '-', '2'],
      ]);
      assert.match(ok(await x.xm('list', 'w1'), 'list'), /\nw1 +\d+ +128 +1 +/);

      ok(await x.xm('create', '/dev/null', 'name=w2', 'vcpus=2', 'cpus=0-3,^1'), 'create w2');
      assert.deepEqual(vcpuRows(ok(await x.xm('vcpu-list', 'w2'), 'vcpu-list')).map((r) => r[2]), ['0,2-3', '0,2-3']);

      const cfg = x.writeFile('per-vcpu.cfg', 'name = "w3"\nvcpus = 2\ncpus = ["1", "0-3,^1,^2"]\n');
      ok(await x.xm('create', cfg), 'create w3');
      assert.deepEqual(vcpuRows(ok(await x.xm('vcpu-list', 'w3'), 'vcpu-list')).map((r) => r[2]), ['1', '0,3']);
      assert.match(ok(await x.xm('list', '-l', 'w3'), 'list -l'), /\n {4}\(cpus \(\(1\) \(0 3\)\)\)\n/);
      for (const d of ['w1', 'w2', 'w3']) ok(await x.xm('destroy', d), `destroy ${d}`);
    });

    test('create refuses a cpus list that does not match vcpus, and a bad CPU', async () => {
      const cfg = x.writeFile('mismatch.cfg', 'name = "w4"\nvcpus = 3\ncpus = ["1", "2"]\n');
      const r = await x.xm('create', cfg);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: vcpus and the item number of cpus are not same\n/);
      const bad = await x.xm('create', '/dev/null', 'name=w5', 'cpus=0-x');
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /^Error: cpus = 0-x: invalid literal for int\(\) with base 10: 'x'\n/);
      assert.doesNotMatch(ok(await x.xm('list'), 'list'), /^w[45] /m);
    });

    test('domains_with_state: a name that is no power state matches nothing, as in xend', async () => {
      ok(await x.xm('create', '/dev/null', 'name=s1'), 'create s1');
      const out = pythonCalls(x.uri, `
out['blocked'] = fault(server.xend.domains_with_state, True, 'blocked', 0)
out['names'] = fault(server.xend.domains_with_state, False, 'frob', 0)
out['running'] = fault(server.xend.domains_with_state, False, 'Running', 0)
`);
      assert.deepEqual(out.blocked, ['ok', []]);
      assert.deepEqual(out.names, ['ok', []]);
      assert.deepEqual(out.running, ['ok', ['Domain-0', 's1']]);
      ok(await x.xm('destroy', 's1'), 'destroy s1');
    });

    test('an unknown image type fails at create (and at the start of a managed domain) with xend\'s error', async () => {
      for (const builder of ['vmx', 'frob']) {
        const r = await x.xm('create', '/dev/null', `name=i-${builder}`, `builder=${builder}`);
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`^Error: unknown image type: ${builder}\n$`));
      }
      ok(await x.xm('new', '/dev/null', 'name=i-new', 'builder=frob'), 'new');
      const started = await x.xm('start', 'i-new');
      assert.equal(started.code, 1);
      assert.match(started.stderr, /^Error: unknown image type: frob\n$/);
      const out = pythonCalls(x.uri, `out['create'] = fault(server.xend.domain.create, ['vm', ['name', 'i-py'], ['memory', 64], ['image', ['vmx']]])`);
      assert.deepEqual(out.create, [2, 'unknown image type: vmx']);
      const listed = ok(await x.xm('list'), 'list');
      assert.doesNotMatch(listed, /^i-(vmx|frob|py) /m);
      assert.match(listed, /^i-new +128 /m, 'the managed domain stays defined, halted');
      ok(await x.xm('delete', 'i-new'), 'delete');
    });

    test('memory=0 (which xm leaves out) is refused at create', async () => {
      const r = await x.xm('create', '/dev/null', 'name=m0', 'memory=0');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: Invalid Configuration: memory_dynamic_max must be greater than zero\n$/);
      const out = pythonCalls(x.uri, `out['zero'] = fault(server.xend.domain.create, ['vm', ['name', 'm0'], ['memory', 0]])`);
      assert.deepEqual(out.zero, [2, 'Invalid Configuration: memory_dynamic_max must be greater than zero']);
      assert.doesNotMatch(ok(await x.xm('list'), 'list'), /^m0 /m);
    });

    test('xm pause sets xend\'s pause flag: domstate says "paused by admin", a domain created paused is "paused"', async () => {
      ok(await x.xm('create', '/dev/null', 'name=p1'), 'create p1');
      ok(await x.xm('pause', 'p1'), 'pause');
      assert.equal(ok(await x.xm('domstate', 'p1'), 'domstate'), 'paused by admin\n');
      ok(await x.xm('unpause', 'p1'), 'unpause');
      assert.equal(ok(await x.xm('domstate', 'p1'), 'domstate'), 'idle\n');
      ok(await x.xm('create', '-p', '/dev/null', 'name=p2'), 'create -p');
      assert.equal(ok(await x.xm('domstate', 'p2'), 'domstate'), 'paused\n');
      // What xm 4.4's pause and domstate sent.
      const out = pythonCalls(x.uri, `
out['before'] = server.xend.domain.getpauseflag('p1')
out['pause'] = [server.xend.domain.pause('p1'), server.xend.domain.setpauseflag('p1', True)]
out['state'] = [v for k, v in server.xend.domain('p1')[1:] if k == 'state']
out['flag'] = server.xend.domain.getpauseflag('p1')
out['p2'] = server.xend.domain.getpauseflag('p2')
out['unknown'] = [server.xend.domain.getpauseflag('nosuch'), server.xend.domain.setpauseflag('nosuch', True)]
`);
      assert.deepEqual(out, { before: false, pause: [null, null], state: ['--p---'], flag: true, p2: false, unknown: [null, null] });
      assert.equal(ok(await x.xm('domstate', 'p1'), 'domstate'), 'paused by admin\n');
      for (const d of ['p1', 'p2']) ok(await x.xm('destroy', d), `destroy ${d}`);
    });

    test('a halted managed domain answers getVCPUInfo and getRestartCount; shutdown of it is xend\'s refusal', async () => {
      ok(await x.xm('new', '/dev/null', 'name=h1', 'vcpus=2', 'cpus=1'), 'new h1');
      // xm 4.4's vcpu-list with no argument, then its shutdown.
      const out = pythonCalls(x.uri, `
out['vcpus'] = [server.xend.domain.getVCPUInfo(d) for d in server.xend.domains_with_state(False, 'all', False)]
out['restarts'] = server.xend.domain.getRestartCount('h1')
out['shutdown'] = fault(server.xend.domain.shutdown, 'h1', 'poweroff')
`);
      const vcpu = (n: number) => ['vcpu', ['number', n], ['online', 0], ['blocked', 0], ['running', 0], ['cpu_time', 0], ['cpu', -1], ['cpumap', [1]]];
      assert.deepEqual((out.vcpus as unknown[])[1], ['domain', ['domid', null], ['name', 'h1'], ['vcpu_count', 2], vcpu(0), vcpu(1)]);
      assert.equal(out.restarts, '0');
      assert.deepEqual(out.shutdown, [2, 'Domain cannot be shutdown']);
      assert.equal(
        ok(await x.xm('vcpu-list', 'h1'), 'vcpu-list'),
        'Name                                ID  VCPU   CPU State   Time(s) CPU Affinity\n' +
          'h1                                         0                   0.0 1\n' +
          'h1                                         1                   0.0 1\n',
      );
      const r = await x.xm('shutdown', 'h1');
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^Error: Domain cannot be shutdown\n$/);
      ok(await x.xm('delete', 'h1'), 'delete');
    });
  });
}

fidelitySuite('xmlrpc-unix');
fidelitySuite('xmlrpc-tcp');

describe("xend-address ''", () => {
  test('is every interface, as in xend, with the warning that points at xend-hosts-allow', async () => {
    const port = await freePort();
    const x = await TestXend.start(`(xend-http-server yes)\n(xend-address '')\n(xend-port ${port})\n`);
    try {
      const external = Object.values(networkInterfaces())
        .flat()
        .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
      for (const host of ['127.0.0.1', ...(external ? [external] : [])]) {
        const r = await x.xmWith({ env: { XM_SERVER: `xend-http://${host}:${port}` } }, 'list', 'Domain-0');
        assert.equal(r.code, 0, `over ${host}: ${r.stderr}`);
      }
      const log = readFileSync(x.path('var/log/xen/xend.log'), 'utf8');
      assert.match(log, new RegExp(`HTTP server listening on \\*:${port}\n`));
      assert.match(log, new RegExp(`WARNING .*HTTP server on \\*:${port} listens beyond loopback without TLS: .*restrict it with xend-hosts-allow`));
    } finally {
      await x.dispose();
    }
  });
});
