import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { TestXend, eventually } from '../helpers/xend.js';
import { startXendOver } from '../helpers/transports.js';
import { listRow, ok, refused, unknown, listLine, domid, consoleLog, json } from '../helpers/xm-checks.js';

/** The calls of the managed-domain and resource commands over the legacy HTTP API. */

describe('the new calls over the legacy HTTP API', () => {
  let x: TestXend;
  before(async () => {
    x = await startXendOver('http-unix', '(sim-host-memory 4096)\n');
  });
  after(() => x.dispose());

  test('managed lifecycle, scheduler, pinning, sysrq, trigger, dump-core, mem-max', async () => {
    ok(await x.xm('new', '/dev/null', 'name=h1', 'memory=64', 'vcpus=2'));
    assert.equal(await listLine(x, 'h1'), listRow('h1', '', 64, 2, '', '0.0'));
    ok(await x.xm('start', 'h1'));
    assert.match(await domid(x, 'h1'), /^\d+$/);
    ok(await x.xm('sched-credit', '-d', 'h1', '-w', '300'));
    assert.match((await x.xm('sched-credit', '-d', 'h1')).stdout, / 300 +0\n$/);
    ok(await x.xm('vcpu-pin', 'h1', '1', '3'));
    assert.match((await x.xm('vcpu-list', 'h1')).stdout, / 3\n$/);
    ok(await x.xm('mem-max', 'h1', '128'));
    ok(await x.xm('sysrq', 'h1', 's'));
    await eventually(async () => /Emergency Sync/.test(await consoleLog(x, 'h1')));
    ok(await x.xm('trigger', 'h1', 'nmi'));
    const dump = await json(x, 'dump-core', 'dump-core', 'h1');
    assert.ok(dump.file && existsSync(dump.file), `core at ${dump.file}`);
    ok(await x.xm('suspend', 'h1'));
    assert.match((await x.xm('list', '--state=suspended')).stdout, /\nh1 /);
    ok(await x.xm('resume', 'h1'));
    refused(await x.xm('delete', 'h1'), 'Domain is not halted.', 'delete');
    ok(await x.xm('destroy', 'h1'));
    ok(await x.xm('delete', 'h1'));
    unknown(await x.xm('list', 'h1'), 'h1');
    unknown(await x.xm('sysrq', 'h1', 's'), 'h1');
    refused(await x.xm('sched-credit', '-d', 'Domain-0', '-c', '1000'), 'Cpu cap out of range, valid range is from 0 to 400 for specified number of vcpus', 'sched-credit');
  });
});
