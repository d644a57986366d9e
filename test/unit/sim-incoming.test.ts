import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHost } from '../../src/hypervisor/sim/host.js';
import { parseVmConfig } from '../../src/vm/config.js';
import type { HostLog } from '../../src/hypervisor/types.js';

const UUID = '5f1c7a52-0d3e-4d8e-9a41-6a1b2c3d4e5f';
const quiet: HostLog = { info() {}, warning() {}, error() {} };

function withHost(fn: (open: () => SimHost, records: string) => void) {
  return () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'sim-incoming-'));
    const hosts: SimHost[] = [];
    const open = () => {
      const hv = new SimHost({ stateDir, cpus: 2, memoryMiB: 4096, dom0MemoryMiB: 512, dom0Cpus: 0, shutdownDelayMs: 1000, events: { onShutdown() {}, onConsoleOutput() {} }, log: quiet });
      hosts.push(hv);
      return hv;
    };
    try {
      fn(open, join(stateDir, 'sim', 'domains'));
    } finally {
      for (const hv of hosts) hv.close();
      rmSync(stateDir, { recursive: true, force: true });
    }
  };
}

function arriving(hv: SimHost): number {
  const config = parseVmConfig(['vm', ['name', 'mover'], ['uuid', UUID], ['memory', 64]]);
  return hv.create({ name: 'mover', uuid: UUID, memoryMiB: 64, maxmemMiB: 64, vcpus: 1, config, restartCount: 0, incomplete: true }).domid;
}

test('an arriving domain is kept under its own key until it is whole: a host opened meanwhile finds it incomplete', withHost((open, records) => {
  const domid = arriving(open());
  assert.ok(existsSync(join(records, `${domid}.incoming.json`)));
  assert.ok(!existsSync(join(records, `${domid}.json`)));
  assert.equal(open().get(domid)?.incomplete, true);
}));

test('finishIncoming makes it whole by a rename; its running state is written by what it returns', withHost((open, records) => {
  const hv = open();
  const domid = arriving(hv);
  const keep = hv.finishIncoming(domid, true);
  assert.ok(!existsSync(join(records, `${domid}.incoming.json`)));
  assert.equal(hv.get(domid)?.flags.paused, false);
  // A crash before keep: whole, but paused, as it was built.
  const before = open().get(domid);
  assert.equal(before?.incomplete, false);
  assert.equal(before?.flags.paused, true);
  keep();
  assert.equal(open().get(domid)?.flags.paused, false);
}));

test('a destroyed arriving domain leaves no record behind', withHost((open, records) => {
  const hv = open();
  const domid = arriving(hv);
  hv.destroy(domid);
  assert.ok(!existsSync(join(records, `${domid}.incoming.json`)));
  assert.equal(open().get(domid), undefined);
}));

test('the pause of a save or migration (transient) is not written: recovery undoes it from the journal', withHost((open) => {
  const hv = open();
  const domid = arriving(hv);
  hv.finishIncoming(domid, true)();
  hv.pause(domid, { transient: true });
  assert.equal(hv.get(domid)?.flags.paused, true);
  assert.equal(open().get(domid)?.flags.paused, false);
}));
