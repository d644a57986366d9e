import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHost } from '../../src/hypervisor/sim/host.js';
import { DomainService } from '../../src/daemon/domains.js';
import { ManagedStore } from '../../src/daemon/managed-store.js';
import { parseVmConfig } from '../../src/vm/config.js';
import { XendInvalidDomain } from '../../src/protocol/faults.js';
import type { Logger } from '../../src/daemon/log.js';
import type { Hypervisor } from '../../src/hypervisor/types.js';
import type { Sxp } from '../../src/sxp/types.js';

const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {}, critical() {} };
const dir = mkdtempSync(join(tmpdir(), 'xend-index-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** xend over a sim host on `dir`, counting the calls that walk every domain. */
function open() {
  let domains: DomainService | undefined;
  const sim = new SimHost({
    stateDir: dir,
    cpus: 2,
    memoryMiB: 8192,
    dom0MemoryMiB: 1024,
    dom0Cpus: 0,
    shutdownDelayMs: 60_000,
    events: { onShutdown: (id, reason) => domains?.onShutdown(id, reason), onConsoleOutput: () => {} },
    log: quiet,
  });
  const walks = { n: 0 };
  const hv = new Proxy(sim, {
    get(target, prop) {
      if (prop === 'list') walks.n++;
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Hypervisor;
  const managed = new ManagedStore(join(dir, 'managed'));
  domains = new DomainService(hv, { enabled: false, dom0MinMiB: 0 }, quiet, undefined, { managed });
  return { sim, domains, walks, managed };
}

const vm = (name: string): Sxp => ['vm', ['name', name], ['memory', 16], ['on_reboot', 'restart']];
const uuidOf = (domains: DomainService, dom: string) => domains.lookup(dom).uuid;
const gone = (domains: DomainService, dom: string) => assert.throws(() => domains.lookup(dom), XendInvalidDomain, `${dom} should be unknown`);

/** The domain found by its name, its id and its uuid is the same one, with that name. */
function findsEverywhere(domains: DomainService, name: string): number {
  const d = domains.lookup(name);
  assert.equal(d.name, name);
  assert.equal(domains.lookup(String(d.domid)).name, name);
  assert.equal(domains.lookup(d.uuid).name, name);
  assert.equal(domains.resolve(d.uuid).live?.domid, d.domid);
  return d.domid;
}

test('lookups by name, id and uuid stay right across creates, renames, restarts, destroys and a restart of xend, without walking every domain', async () => {
  let { sim, domains, walks, managed } = open();
  for (const n of ['a', 'b', 'c']) {
    await domains.create(vm(n));
    domains.unpause(n);
  }
  for (const n of ['a', 'b', 'c']) findsEverywhere(domains, n);

  const a = domains.lookup('a');
  domains.setName('a', 'z');
  gone(domains, 'a');
  assert.equal(findsEverywhere(domains, 'z'), a.domid);
  domains.setName('b', 'a');
  assert.equal(domains.lookup('a').uuid, uuidOf(domains, 'a'));
  assert.notEqual(domains.lookup('a').uuid, a.uuid, 'the name now belongs to b');
  await assert.rejects(() => domains.create(vm('z')), /Domain 'z' already exists/);

  // A reset is a restart: a new domid, the same name and uuid.
  const c = domains.lookup('c');
  await domains.reset('c');
  const restarted = findsEverywhere(domains, 'c');
  assert.notEqual(restarted, c.domid);
  gone(domains, String(c.domid));
  assert.equal(uuidOf(domains, 'c'), c.uuid);

  domains.destroy('z');
  gone(domains, 'z');
  gone(domains, a.uuid);
  await domains.create(vm('z'));
  findsEverywhere(domains, 'z');

  // Requests look domains up without a walk over all of them.
  walks.n = 0;
  for (const n of ['a', 'c', 'z']) findsEverywhere(domains, n);
  domains.pause('c');
  domains.unpause('c');
  assert.equal(walks.n, 0, 'lookups walked the domain list');

  // A domain the backend dropped behind the registry's back is not found.
  sim.destroy(domains.lookup('z').domid);
  gone(domains, 'z');

  // A managed domain that is not running: found by its name, which follows a rename.
  managed.save(parseVmConfig(vm('m1')));
  const m = domains.resolve('m1');
  assert.equal(m.live, undefined);
  domains.setName('m1', 'm2');
  assert.throws(() => domains.resolve('m1'), XendInvalidDomain);
  assert.equal(domains.resolve('m2').managed?.config.uuid, m.managed?.config.uuid);
  await assert.rejects(() => domains.create(vm('m2')), /VM name 'm2' already exists/);
  await domains.create(vm('m1'));

  sim.close();
  ({ sim, domains, walks, managed } = open());
  await domains.recover();
  assert.equal(domains.resolve('m2').managed?.config.uuid, m.managed?.config.uuid);
  assert.equal(domains.resolve('m1').live?.name, 'm1');
  for (const n of ['a', 'c', 'Domain-0']) findsEverywhere(domains, n);
  gone(domains, 'z');
  gone(domains, 'b');
  sim.close();
});
