// ManagedService and ManagedStore (src/daemon/managed.ts, managed-store.ts), in-process on a sim host.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimDomains } from '../../helpers/sim-domains.js';
import { PowerState } from '../../../src/protocol/domain.js';
import { XendInvalidDomain } from '../../../src/protocol/faults.js';
import type { Sxp } from '../../../src/sxp/types.js';

const vm = (name: string, ...extra: Sxp[]): Sxp => ['vm', ['name', name], ['memory', 16], ...extra];

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

const state = (dom: string) => x.domains.stateOf(x.domains.resolve(dom));
const uuidOf = (dom: string) => x.domains.resolve(dom).managed!.config.uuid;

test('new defines a halted domain in the store, as xend laid it out; a restart of xend finds it', async () => {
  x.managed.new(vm('m', ['vcpus', 2]));
  const uuid = uuidOf('m');
  const file = join(x.dir, 'domains', uuid, 'config.sxp');
  assert.match(readFileSync(file, 'utf8'), /\(name m\)/);
  assert.equal(state('m'), PowerState.Halted);
  x = await x.reopen();
  assert.equal(uuidOf('m'), uuid);
  assert.equal(x.domains.resolve('m').live, undefined);
});

test('new refuses a name another domain has, and redefines a domain by its own uuid', async () => {
  await x.domains.create(vm('a'));
  const id = x.domains.lookup('a').domid;
  assert.throws(() => x.managed.new(vm('a')), { message: `VM name 'a' already exists as domain ${id}` });
  x.managed.new(vm('m'));
  const uuid = uuidOf('m');
  assert.throws(() => x.managed.new(vm('m')), { message: "VM name 'm' already exists" });
  x.managed.new(['vm', ['name', 'm'], ['uuid', uuid], ['memory', 32]]);
  assert.equal(x.domains.resolve('m').managed!.config.memory, 32);
});

test('start runs a halted managed domain; it cannot be deleted until it halts again', async () => {
  x.managed.new(vm('m'));
  await x.managed.start('m', false);
  assert.equal(state('m'), PowerState.Running);
  await assert.rejects(() => x.managed.start('m', false), /Domain is already running/);
  assert.throws(() => x.managed.delete('m'), /Domain is not halted\./);
  x.domains.destroy('m');
  assert.equal(state('m'), PowerState.Halted, 'destroyed, it stays defined');
  await x.managed.start('m', true);
  assert.equal(state('m'), PowerState.Paused);
  x.domains.destroy('m');
  const dir = join(x.dir, 'domains', uuidOf('m'));
  x.managed.delete('m');
  assert.throws(() => x.domains.resolve('m'), XendInvalidDomain);
  assert.equal(existsSync(dir), false);
});

test('suspend keeps the state in the store; resume brings the domain back', async () => {
  x.managed.new(vm('m'));
  await x.managed.start('m', false);
  const uuid = uuidOf('m');
  await x.managed.suspend('m');
  assert.equal(state('m'), PowerState.Suspended);
  assert.ok(existsSync(join(x.dir, 'domains', uuid, 'checkpoint.chk')));
  await assert.rejects(x.managed.suspend('m'), /Domain is not running/);
  await x.managed.resume('m', false);
  assert.equal(state('m'), PowerState.Running);
  assert.equal(existsSync(join(x.dir, 'domains', uuid, 'checkpoint.chk')), false);
  await assert.rejects(x.managed.resume('m', false), /Cannot resume domain that is not suspended\./);
});

test('a memory target for a managed domain that is not running changes its stored config', async () => {
  x.managed.new(vm('m', ['maxmem', 64]));
  x.domains.setMemoryTarget('m', 48);
  assert.match(readFileSync(join(x.dir, 'domains', uuidOf('m'), 'config.sxp'), 'utf8'), /\(memory 48\)/);
  assert.throws(() => x.domains.setMemoryTarget('m', 128), /memory_dynamic_max must be less than or equal to memory_static_max/);
});
