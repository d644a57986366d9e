// DomainService's rules (src/daemon/domains.ts, with domain-index.ts), in-process on a sim host.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimDomains } from '../../helpers/sim-domains.js';
import { PowerState, hasVcpus, isStarted } from '../../../src/protocol/domain.js';
import { XendInvalidDomain } from '../../../src/protocol/faults.js';
import type { Sxp } from '../../../src/sxp/types.js';
import { vmConfigSxp, type VmConfig } from '../../../src/vm/config.js';

const vm = (name: string, ...extra: Sxp[]): Sxp => ['vm', ['name', name], ['memory', 16], ...extra];

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

/** Creates and unpauses the domain `name`; returns its domid. */
async function started(name: string, ...extra: Sxp[]): Promise<number> {
  await x.domains.create(vm(name, ...extra));
  const { domid } = x.domains.lookup(name);
  x.domains.unpause(domid);
  return domid;
}

const state = (dom: string | number) => x.domains.stateOf(x.domains.resolve(dom));

describe('power states', () => {
  test('the predicates group the states as xend checks them', async () => {
    const all = Object.values(PowerState);
    assert.deepEqual(all.filter(isStarted), [PowerState.Paused, PowerState.Running]);
    assert.deepEqual(all.filter(hasVcpus), [PowerState.Paused, PowerState.Running, PowerState.Crashed]);
  });

  test('a domain is paused when built, running, then crashed; a managed one halted', async () => {
    await x.domains.create(vm('a', ['on_crash', 'preserve']));
    assert.equal(state('a'), PowerState.Paused);
    x.domains.unpause('a');
    assert.equal(state('a'), PowerState.Running);
    x.domains.shutdown('a', 'crash');
    assert.equal(state('a'), PowerState.Crashed);
    x.managed.new(vm('m'));
    assert.equal(state('m'), PowerState.Halted);
    assert.deepEqual(x.domains.domainsWithState(false, 'crashed', false), ['a']);
    assert.deepEqual(x.domains.domainsWithState(false, PowerState.Halted, false), ['m']);
  });

  test('calls that need a started domain refuse a crashed one', async () => {
    await started('a', ['on_crash', 'preserve']);
    x.domains.shutdown('a', 'crash');
    await assert.rejects(() => x.domains.reset('a'), /Domain 'a' is not started/);
    assert.throws(() => x.domains.sendSysrq('a', 'h'), /Domain 'a' is not started/);
    assert.throws(() => x.domains.sendTrigger('a', 'nmi', 0), /Domain 'a' is not started/);
  });
});

describe('names and uuids are unique', () => {
  test('a second domain by the same name, or the same uuid, is refused', async () => {
    const id = await started('a');
    const uuid = x.domains.lookup('a').uuid;
    await assert.rejects(() => x.domains.create(vm('a')), { message: `Domain 'a' already exists with ID '${id}'` });
    await assert.rejects(() => x.domains.create(vm('b', ['uuid', uuid])), { message: `Domain 'a' already exists with ID '${id}'` });
    assert.throws(() => x.domains.lookup('b'), XendInvalidDomain, 'nothing was built');
  });

  test('a name that a lookup would take for another domain (an id) is refused', async () => {
    await assert.rejects(() => x.domains.create(vm('0')), { message: "VM name '0' already exists as domain 0" });
  });

  test('a rename to a running or a managed domain\'s name is refused; to its own name it is not', async () => {
    const a = await started('a');
    await started('b');
    x.managed.new(vm('m'));
    assert.throws(() => x.domains.setName('b', 'a'), { message: `VM name 'a' already exists as domain ${a}` });
    assert.throws(() => x.domains.setName('b', 'm'), { message: "VM name 'm' already exists" });
    await assert.rejects(() => x.domains.create(vm('m')), { message: "VM name 'm' already exists" });
    x.domains.setName('b', 'b');
    x.domains.setName('b', 'c');
    assert.equal(x.domains.lookup('c').domid, x.domains.resolve('c').live?.domid);
  });

  test('a held domain keeps its name while it travels under another; only its own copy may arrive', async () => {
    const id = await started('a');
    const d = x.domains.lookup('a');
    const release = x.domains.busy(d, 'migrated to elsewhere', () => {});
    x.domains.hv.updateRecord(id, { name: 'migrating-a' });
    await assert.rejects(() => x.domains.create(vm('a')), { message: `Domain 'a' already exists with ID '${id}'` });
    await started('b');
    assert.throws(() => x.domains.setName('b', 'a'), { message: `VM name 'a' already exists as domain ${id}` });
    assert.throws(() => x.domains.requireFreeName('migrating-a', randomUUID()), { message: `VM name 'migrating-a' already exists as domain ${id}` });
    // Its copy arriving here (a migration to this very host) shares its name and uuid.
    const copy = await x.domains.createIncoming(vm('a', ['uuid', d.uuid]), true);
    assert.notEqual(copy.domid, id);
    // A restore of it is not a relocation: its uuid is taken.
    await assert.rejects(() => x.domains.createIncoming(vm('z', ['uuid', d.uuid]), false), /already exists with ID/);
    release();
  });
});

describe('a held domain', () => {
  test('refuses every change while a save holds it, and takes them again once released', async () => {
    await started('a');
    const d = x.domains.lookup('a');
    let destroyedDuringSave = false;
    const release = x.domains.busy(d, 'saved', () => (destroyedDuringSave = true));
    const held = /Domain a is being saved; it cannot be changed until that ends/;
    assert.throws(() => x.domains.pause('a'), held);
    assert.throws(() => x.domains.shutdown('a', 'poweroff'), held);
    assert.throws(() => x.domains.setMemoryTarget('a', 8), held);
    assert.throws(() => x.domains.setName('a', 'b'), held);
    await assert.rejects(() => x.domains.reset('a'), held);
    assert.throws(() => x.domains.busy(d, 'saved', () => {}), /Domain a is already being saved or migrated/);
    release();
    x.domains.pause('a');
    assert.equal(state('a'), PowerState.Paused);
    // A destroy first stops what holds the domain.
    x.domains.busy(d, 'saved', () => (destroyedDuringSave = true));
    x.domains.destroy('a');
    assert.ok(destroyedDuringSave);
    assert.throws(() => x.domains.lookup('a'), XendInvalidDomain);
  });

  test('a real save holds the domain until its file is written, then destroys it', async () => {
    await started('a');
    const saving = x.checkpoints.save('a', `${x.dir}/a.chk`, false);
    assert.throws(() => x.domains.unpause('a'), /Domain a is being saved/);
    await saving;
    assert.throws(() => x.domains.lookup('a'), XendInvalidDomain);
    await x.checkpoints.restore(`${x.dir}/a.chk`, false);
    assert.equal(state('a'), PowerState.Running);
  });
});

describe('lifecycle actions', () => {
  test('on_poweroff=destroy: the domain is gone', async () => {
    await started('a', ['on_poweroff', 'destroy']);
    await x.shutdownAndWait('a', 'poweroff');
    assert.throws(() => x.domains.lookup('a'), XendInvalidDomain);
  });

  test('on_reboot=restart: a new domid, the same name and uuid, counted', async () => {
    const id = await started('a', ['on_reboot', 'restart']);
    const uuid = x.domains.lookup('a').uuid;
    await x.shutdownAndWait('a', 'reboot');
    const d = x.domains.lookup('a');
    assert.notEqual(d.domid, id);
    assert.equal(d.uuid, uuid);
    assert.equal(x.domains.restartCount('a'), '1');
    assert.equal(state('a'), PowerState.Running);
  });

  test('on_crash=preserve: the crashed domain stays', async () => {
    const id = await started('a', ['on_crash', 'preserve']);
    x.domains.shutdown('a', 'crash');
    assert.equal(x.domains.lookup('a').domid, id);
    assert.equal(state('a'), PowerState.Crashed);
  });

  test('on_crash=rename-restart: the crashed domain is kept aside renamed, a new one takes its name', async () => {
    const id = await started('a', ['on_crash', 'rename-restart']);
    const uuid = x.domains.lookup('a').uuid;
    x.domains.shutdown('a', 'crash');
    const kept = x.domains.lookup('a-1');
    assert.equal(kept.domid, id);
    assert.equal(kept.uuid, uuid);
    assert.equal(state('a-1'), PowerState.Crashed);
    const fresh = x.domains.lookup('a');
    assert.notEqual(fresh.uuid, uuid);
    assert.equal(fresh.config?.name, 'a');
    // Handled once: a restart of xend leaves the renamed domain alone.
    x = await x.reopen();
    assert.equal(x.domains.lookup('a-1').domid, id);
    assert.equal(x.domains.lookup('a').uuid, fresh.uuid);
  });

  test('a domain that restarts too fast is destroyed instead', async () => {
    await started('a', ['on_reboot', 'restart']);
    for (let i = 0; i < 3; i++) await x.shutdownAndWait('a', 'reboot');
    await x.shutdownAndWait('a', 'reboot');
    assert.throws(() => x.domains.lookup('a'), XendInvalidDomain);
  });
});

describe('a root an earlier xend wrote', () => {
  test("a backend record whose config is (vm …) SXP loads, typed, and lists as it did", async () => {
    const id = await started('old', ['vcpus', 2], ['cpus', '1'], ['device', ['vif', ['mac', '00:16:3e:00:00:01']]]);
    // All but the CPU time, which runs on.
    const listed = () => (x.domains.domain('old', true) as Sxp[]).filter((e) => !(Array.isArray(e) && e[0] === 'cpu_time'));
    const before = listed();
    const record = join(x.dir, 'state', 'sim', 'domains', `${id}.json`);
    const kept = JSON.parse(readFileSync(record, 'utf8')) as { config: VmConfig };
    writeFileSync(record, JSON.stringify({ ...kept, config: vmConfigSxp(kept.config) }));
    x = await x.reopen();
    assert.deepEqual(x.domains.lookup('old').config, kept.config);
    assert.deepEqual(listed(), before);
  });

  test('one whose config SXP is no config is set aside, and the others load', async () => {
    const id = await started('bad');
    await started('good');
    const record = join(x.dir, 'state', 'sim', 'domains', `${id}.json`);
    writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, 'utf8')), config: ['vm', ['name', 'bad']] }));
    x = await x.reopen();
    assert.throws(() => x.domains.lookup('bad'), XendInvalidDomain);
    assert.equal(x.domains.lookup('good').config?.name, 'good');
    assert.ok(existsSync(`${record}.corrupt`));
  });
});
