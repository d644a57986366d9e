import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { TestXend, eventually } from '../helpers/xend.js';
import { listRow, ok, refused, unknown, listLine, state, domid, consoleLog, json } from '../helpers/xm-checks.js';

/** Managed domains end to end: new, start, delete, suspend, resume, and their persistence across xend restarts. */

describe('managed domains: new, start, delete, suspend, resume; persistence across xend restarts', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start('(sim-host-memory 4096)\n');
  });
  after(() => x.dispose());

  test('new: defined, not started; list shows it with blank ID and State; domid prints None', async () => {
    const r = await x.xm('new', '/dev/null', 'name=m1', 'memory=96', 'vcpus=2');
    ok(r);
    assert.equal(r.stdout, 'Using config file "/dev/null".\n');
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    assert.ok((await x.xm('list')).stdout.includes(`\n${listRow('m1', '', 96, 2, '', '0.0')}\n`));
    assert.equal((await x.xm('domid', 'm1')).stdout, 'None\n');
    assert.equal((await x.xm('domstate', 'm1')).stdout, 'shutoff\n');
    assert.deepEqual((await x.xm('list', '--state=halted')).stdout.split('\n').filter(Boolean).slice(1).map((l) => l.split(' ')[0]), ['m1']);
    assert.doesNotMatch((await x.xm('list', '-l', 'm1')).stdout, /\(domid|\(state /);
    assert.match((await x.xm('list', '-l', 'm1')).stdout, /\n {4}\(status 0\)\n/);
    const store = x.path('var/lib/xend/domains');
    const [uuid] = readdirSync(store);
    assert.match(uuid!, /^[0-9a-f-]{36}$/);
    assert.match(readFileSync(join(store, uuid!, 'config.sxp'), 'utf8'), /^\(vm\n {4}\(name m1\)\n {4}\(uuid [0-9a-f-]{36}\)\n {4}\(memory 96\)\n/);
    const doc = await json(x, 'create', 'new', '/dev/null', 'name=m2', 'memory=64');
    assert.equal(doc.domain.domid, null);
    assert.equal(doc.domain.power_state, 'halted');
    assert.equal(doc.domain.state, '');
    const dry = await x.xm('new', '-n', '/dev/null', 'name=m3');
    assert.match(dry.stdout, /^Using config file "\/dev\/null"\.\n\(vm\n {4}\(name m3\)\n/);
    assert.equal((await x.xm('list', 'm3')).code, 3, '-n defines nothing');
  });

  test('refusals: a name is taken, a managed domain that is not running is "not started"', async () => {
    const dup = await x.xm('new', '/dev/null', 'name=m1', 'memory=64');
    assert.equal(dup.stderr, "Error: VM name 'm1' already exists\n");
    // xm's new.py printed xend's refusal and exited 1, without the usage (issue 15 item 12).
    assert.equal(dup.stdout, 'Using config file "/dev/null".\n');
    const create = await x.xm('create', '/dev/null', 'name=m1', 'memory=64');
    assert.equal(create.stderr, "Error: VM name 'm1' already exists\n");
    ok(await x.xm('create', '/dev/null', 'name=live1', 'memory=64'));
    const live = await x.xm('new', '/dev/null', 'name=live1', 'memory=64');
    assert.match(live.stderr, /^Error: VM name 'live1' already exists as domain \d+\n$/);
    refused(await x.xm('pause', 'm1'), "Domain 'm1' is not started", 'pause');
    refused(await x.xm('sysrq', 'm1', 's'), "Domain 'm1' is not started", 'sysrq');
    const dump = await x.xm('dump-core', 'm1');
    assert.equal(dump.stderr, "Error: Domain 'm1' is not started\n");
    assert.match(dump.stdout, /^Dumping core of domain: m1 \.\.\.\nUsage: xm dump-core /);
    refused(await x.xm('shutdown', 'm1'), 'Domain cannot be shutdown', 'shutdown');
    refused(await x.xm('save', 'm1', x.path('m1.save')), 'Domain is not running', 'save');
    refused(await x.xm('suspend', 'm1'), 'Domain is not running', 'suspend');
    refused(await x.xm('resume', 'm1'), 'Cannot resume domain that is not suspended.', 'resume');
    const console = await x.xm('console', 'm1');
    assert.equal(console.stderr, "Error: Domain 'm1' is not started\n");
    ok(await x.xm('destroy', 'm1'), 'nothing to destroy: it stays defined');
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    refused(await x.xm('suspend', 'live1'), 'Domain is not managed by Xend lifecycle support.', 'suspend');
    refused(await x.xm('delete', 'live1'), 'Domain is not halted.', 'delete');
    refused(await x.xm('start', 'live1'), 'Domain is already running', 'start');
    refused(await x.xm('suspend', '0'), 'Cannot suspend privileged domain 0', 'suspend');
  });

  test('config changes while halted: mem-set, vcpu-set, sched-credit, rename', async () => {
    ok(await x.xm('mem-set', 'm2', '48'));
    ok(await x.xm('vcpu-set', 'm2', '2'));
    ok(await x.xm('sched-credit', '-d', 'm2', '-w', '128'));
    ok(await x.xm('rename', 'm2', 'm2b'));
    assert.equal(await listLine(x, 'm2b'), listRow('m2b', '', 48, 2, '', '0.0'));
    assert.equal((await x.xm('sched-credit', '-d', 'm2b')).stdout, `Name                                ID Weight  Cap\n${'m2b'.padEnd(32)} ${''.padStart(5)}    128    0\n`);
    refused(await x.xm('mem-set', 'm2b', '100'), 'Invalid Configuration: memory_dynamic_max must be less than or equal to memory_static_max\n100 MiB is above the domain\'s maximum of 64 MiB (xm mem-max raises it)', 'mem-set');
  });

  test('start, start -p, delete: the lifecycle of a managed domain', async () => {
    ok(await x.xm('start', 'm1'));
    const id = await domid(x, 'm1');
    assert.match(id, /^\d+$/);
    assert.equal(await state(x, 'm1'), '-b----');
    refused(await x.xm('start', 'm1'), 'Domain is already running', 'start');
    refused(await x.xm('delete', 'm1'), 'Domain is not halted.', 'delete');
    ok(await x.xm('shutdown', '-w', 'm1'));
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'), 'on_poweroff destroy: back to halted, still defined');
    const doc = await json(x, 'start', 'start', '-p', 'm2b');
    assert.equal(doc.domain.state, '--p---');
    assert.equal(doc.domain.memory_mib, 48);
    ok(await x.xm('destroy', 'm2b'));
    const del = await json(x, 'action', 'delete', 'm2b');
    assert.equal(del.command, 'delete');
    unknown(await x.xm('list', 'm2b'), 'm2b');
    assert.equal(readdirSync(x.path('var/lib/xend/domains')).length, 1, 'its directory is gone from the store');
    const r = await x.xm('start');
    assert.equal(r.stderr, "Error: 'xm start' requires 1 argument.\n\n");
  });

  test('suspend and resume: the state goes to the store and comes back, console and memory intact', async () => {
    ok(await x.xm('start', 'm1'));
    ok(await x.xm('sysrq', 'm1', 's'));
    await eventually(async () => /Emergency Sync complete/.test(await consoleLog(x, 'm1')));
    const uuid = readdirSync(x.path('var/lib/xend/domains'))[0]!;
    ok(await x.xm('suspend', 'm1'));
    assert.ok(existsSync(x.path(`var/lib/xend/domains/${uuid}/checkpoint.chk`)));
    assert.equal(await listLine(x, 'm1'), listRow('m1', '', 96, 2, '', '0.0'));
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nm1 /);
    assert.equal((await x.xm('domstate', 'm1')).stdout, 'shutoff\n');
    refused(await x.xm('start', 'm1'), 'Domain is already running', 'start');
    refused(await x.xm('delete', 'm1'), 'Domain is not halted.', 'delete');
    const doc = await json(x, 'start', 'resume', 'm1');
    assert.equal(doc.command, 'resume');
    assert.equal(doc.domain.power_state, 'running');
    assert.ok(!existsSync(x.path(`var/lib/xend/domains/${uuid}/checkpoint.chk`)));
    assert.match(await consoleLog(x, 'm1'), /Emergency Sync complete/, 'the console history came back with it');
    ok(await x.xm('suspend', 'm1'));
    ok(await x.xm('resume', '-p', 'm1'));
    assert.equal(await state(x, 'm1'), '--p---');
    ok(await x.xm('unpause', 'm1'));
  });

  test('xend restart: managed domains and their config survive; on_xend_start start brings one up', async () => {
    ok(await x.xm('new', '/dev/null', 'name=auto1', 'memory=64', 'on_xend_start=start'));
    ok(await x.xm('new', '/dev/null', 'name=idle1', 'memory=64'));
    assert.equal((await x.xm('domid', 'auto1')).stdout, 'None\n');
    ok(await x.xend('restart'));
    assert.match(await domid(x, 'auto1'), /^\d+$/, 'started by xend');
    assert.equal(await listLine(x, 'idle1'), listRow('idle1', '', 64, 1, '', '0.0'));
    assert.match(await domid(x, 'm1'), /^\d+$/, 'a running managed domain keeps running');
    assert.match((await x.xm('list', '-l', 'auto1')).stdout, /\(on_xend_start start\)/);
  });

  test('kill -9 of the worker: the monitor restarts it, nothing managed is lost, on_xend_start applies again', async () => {
    ok(await x.xm('destroy', 'auto1'));
    assert.equal((await x.xm('domid', 'auto1')).stdout, 'None\n');
    const pid = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      const p = Number(readFileSync(x.path('var/run/xend.pid'), 'utf8'));
      return p !== pid && (await x.xm('domid', 'auto1')).code === 0;
    });
    await eventually(async () => /^\d+$/.test((await x.xm('domid', 'auto1')).stdout.trim()));
    assert.equal(await listLine(x, 'idle1'), listRow('idle1', '', 64, 1, '', '0.0'));
    assert.match(await domid(x, 'm1'), /^\d+$/);
  });

  test('on_xend_stop: shutdown and suspend when xend stops', async () => {
    ok(await x.xm('new', '/dev/null', 'name=stopper', 'memory=64', 'on_xend_stop=shutdown'));
    ok(await x.xm('new', '/dev/null', 'name=sleeper', 'memory=64', 'on_xend_stop=suspend'));
    ok(await x.xm('start', 'stopper'));
    ok(await x.xm('start', 'sleeper'));
    ok(await x.xm('sysrq', 'sleeper', 's'));
    ok(await x.xend('stop'));
    ok(await x.xend('start'));
    assert.equal(await listLine(x, 'stopper'), listRow('stopper', '', 64, 1, '', '0.0'), 'shut down, still defined');
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nsleeper /);
    ok(await x.xm('resume', 'sleeper'));
    assert.equal(await state(x, 'sleeper'), '-b----');
    assert.match(await consoleLog(x, 'sleeper'), /Emergency Sync complete/);
    assert.match((await x.xm('log')).stdout, /Shutting down domain: stopper/);
  });
});
