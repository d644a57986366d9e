import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TestXend, eventually } from '../helpers/xend.js';
import { ok, refused, unknown, state, domid, consoleLog, json, xendWithGuests } from '../helpers/xm-checks.js';

/** What xm sends a guest end to end: sysrq, trigger, reset, dump-core. */

describe('xm: sysrq, triggers, reset, core dumps', () => {
  let x: TestXend;
  before(async () => {
    x = await xendWithGuests(['name=g1', 'memory=128', 'maxmem=1024', 'vcpus=2'], ['name=g2', 'memory=64', 'on_poweroff=preserve'], ['name=g3', 'memory=64']);
  });
  after(() => x.dispose());

  test('sysrq: the key shows in the guest\'s console log; paused guests get it when they run; b reboots', async () => {
    ok(await x.xm('sysrq', 'g1', 's'));
    await eventually(async () => /\] SysRq : Emergency Sync\r\n\[ *\d+\.\d{6}\] Emergency Sync complete\r\n/.test(await consoleLog(x, 'g1')));
    ok(await x.xm('pause', 'g1'));
    ok(await x.xm('sysrq', 'g1', 'u'));
    assert.doesNotMatch(await consoleLog(x, 'g1'), /Emergency Remount/, 'a paused kernel does nothing yet');
    ok(await x.xm('unpause', 'g1'));
    await eventually(async () => /SysRq : Emergency Remount R\/O\r\n.*Emergency Remount complete/.test(await consoleLog(x, 'g1')));
    const r = await x.xm('sysrq', 'g1', 'ab');
    refused(r, 'ab is not convertible to a character', 'sysrq');
    unknown(await x.xm('sysrq', 'nosuch', 's'), 'nosuch');
    ok(await x.xm('create', '/dev/null', 'name=rq', 'memory=64'));
    const before = await domid(x, 'rq');
    ok(await x.xm('sysrq', 'rq', 'b'));
    await eventually(async () => (await domid(x, 'rq')) !== before);
    ok(await x.xm('sysrq', 'rq', 'o'));
    await eventually(async () => (await x.xm('list', 'rq')).code === 3);
  });

  test('trigger: power shuts down through on_poweroff, nmi is logged, reset rebuilds; refusals', async () => {
    // Paused, the guest cannot act on the button yet: it does once it runs.
    ok(await x.xm('pause', 'g2'));
    ok(await x.xm('trigger', 'g2', 'power'));
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(await state(x, 'g2'), '--p---');
    ok(await x.xm('unpause', 'g2'));
    await eventually(async () => (await state(x, 'g2')) === '---s--');
    assert.match((await x.xm('log')).stdout, /Domain g2 \(\d+\): trigger power on vcpu 0\n[\s\S]*Domain has shutdown: name=g2 id=\d+ reason=poweroff\./);
    ok(await x.xm('destroy', 'g2'));
    ok(await x.xm('trigger', 'g3', 'nmi', '0'));
    await eventually(async () => /Uhhuh\. NMI received for unknown reason 3d on CPU 0\./.test(await consoleLog(x, 'g3')));
    ok(await x.xm('trigger', 'g3', 'init'));
    ok(await x.xm('trigger', 'g3', 's3resume'));
    const before = await domid(x, 'g3');
    ok(await x.xm('trigger', 'g3', 'reset'));
    await eventually(async () => (await domid(x, 'g3')) !== before);
    refused(await x.xm('trigger', 'g3', 'poke'), 'Invalid trigger: poke', 'trigger');
    refused(await x.xm('trigger', 'g3', 'nmi', '7'), "(22, 'Invalid argument')", 'trigger');
    refused(await x.xm('trigger', 'g3', 'nmi', 'one'), 'Invalid argument.', 'trigger');
    refused(await x.xm('trigger', 'Domain-0', 'power'), "(22, 'Invalid argument')", 'trigger');
    assert.equal(await state(x, 'Domain-0'), 'r-----');
    unknown(await x.xm('trigger', 'nosuch', 'nmi'), 'nosuch');
    const few = await x.xm('trigger', 'g3');
    assert.equal(few.stderr, "Error: 'xm trigger' requires between 2 and 3 arguments.\n\n");
    ok(await x.xm('create', '/dev/null', 'name=tp', 'memory=64'));
    ok(await x.xm('trigger', 'tp', 'power'));
    await eventually(async () => (await x.xm('list', 'tp')).code === 3);
  });

  test('reset: a new domain from the same config; Domain-0 refused', async () => {
    const before = await domid(x, 'g3');
    ok(await x.xm('reset', 'g3'));
    assert.notEqual(await domid(x, 'g3'), before);
    assert.equal(await state(x, 'g3'), '-b----');
    refused(await x.xm('reset', '0'), 'Cannot reset privileged domain 0', 'reset');
    unknown(await x.xm('reset', 'nosuch'), 'nosuch');
  });

  test('dump-core: an ELF core in the dump directory or where named; -L, -C, -R; refusals', async () => {
    const r = await x.xm('dump-core', 'g1');
    ok(r);
    assert.equal(r.stdout, 'Dumping core of domain: g1 ...\n');
    const dir = x.path('var/xen/dump');
    const id = await domid(x, 'g1');
    const cores = readdirSync(dir).filter((f) => new RegExp(`^\\d{4}-\\d{4}-\\d{4}\\.\\d\\d-g1\\.${id}\\.core$`).test(f));
    assert.equal(cores.length, 1, readdirSync(dir).join(' '));
    const core = readFileSync(join(dir, cores[0]!));
    assert.deepEqual([...core.subarray(0, 5)], [0x7f, 0x45, 0x4c, 0x46, 2], 'ELF64');
    assert.equal(core.readUInt16LE(16), 4, 'ET_CORE');
    assert.equal(statSync(join(dir, cores[0]!)).size, 4096 + 1024 * 1024 * 1024, 'the whole of its memory (maxmem 1g)');
    assert.equal(await state(x, 'g1'), '-b----', 'unpaused again');

    ok(await x.xm('pause', 'g1'));
    ok(await x.xmWith({ cwd: x.root }, 'dump-core', '-L', 'g1', 'named.core'));
    assert.ok(existsSync(x.path('named.core')), 'a relative name is made absolute against xm\'s directory');
    assert.equal(await state(x, 'g1'), '--p---', 'a paused domain stays paused');
    ok(await x.xm('unpause', 'g1'));

    ok(await x.xm('create', '/dev/null', 'name=dc', 'memory=64'));
    const rid = await domid(x, 'dc');
    ok(await x.xm('dump-core', '-R', 'dc', x.path('dc-reset.core')));
    assert.notEqual(await domid(x, 'dc'), rid, '-R resets');
    ok(await x.xm('dump-core', '--crash', 'dc', x.path('dc-crash.core')));
    unknown(await x.xm('list', 'dc'), 'dc');
    assert.ok(existsSync(x.path('dc-crash.core')));

    refused(await x.xm('dump-core', '-C', '-R', 'g1'), "You may not specify more than one '-CR' option", 'dump-core');
    refused(await x.xm('dump-core'), 'Expects 1 or 2 argument(s)', 'dump-core');
    const dom0 = await x.xm('dump-core', '0');
    assert.equal(dom0.stdout.split('\n')[0], 'Dumping core of domain: 0 ...');
    assert.equal(dom0.stderr, 'Error: Cannot dump core for privileged domain 0\n');
    const inDir = await x.xm('dump-core', 'g1', x.root);
    assert.equal(inDir.stderr, `Error: Cannot dump core in a directory: ${x.root}\n`);
    const nowhere = await x.xm('dump-core', 'g1', '/nonexistent/dir/g1.core');
    assert.equal(nowhere.stderr, "Error: Failed to dump core: [Errno 2] No such file or directory: '/nonexistent/dir/g1.core'\n");
    assert.equal(await state(x, 'g1'), '-b----');
    const missing = await x.xm('dump-core', 'nosuch');
    assert.equal(missing.code, 3);
    const doc = await json(x, 'dump-core', 'dump-core', '-L', 'g1', x.path('j.core'));
    assert.equal(doc.file, x.path('j.core'));
  });
});
