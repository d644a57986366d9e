// Kept domain records (src/daemon/record-cache.ts): after every kind of change a listing shows what a record made anew shows, byte for byte.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimDomains } from '../../helpers/sim-domains.js';
import { RecordCache } from '../../../src/daemon/record-cache.js';
import { domainSxp, type Pins } from '../../../src/daemon/domain-sxp.js';
import { encodeResponse, encodeResponseParts, type XmlRpcValue } from '../../../src/protocol/xmlrpc/index.js';
import type { HvDomain } from '../../../src/hypervisor/types.js';
import type { Sxp } from '../../../src/sxp/types.js';

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

const pinsOf = (d: HvDomain): Pins => ({ vcpus: x.sim.vcpuInfo(d.domid), hostCpus: 4 });
const bytes = (v: XmlRpcValue) => Buffer.concat(encodeResponseParts(v).map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();

/** What every listing of the cache and of records made anew gives now, full and brief. */
function both(cache: RecordCache): { kept: Sxp[][]; fresh: Sxp[][] } {
  // One view per domain for both, so cpu_time is the same instant.
  const views = x.sim.list();
  const kept = views.flatMap((d) => [cache.record(d, false, pinsOf(d)), cache.record(d, true, pinsOf(d))]);
  const fresh = views.flatMap((d) => [domainSxp(d, false, pinsOf(d)) as Sxp[], domainSxp(d, true, pinsOf(d)) as Sxp[]]);
  return { kept, fresh };
}

function assertSame(cache: RecordCache, after: string): void {
  const { kept, fresh } = both(cache);
  assert.deepEqual(kept, fresh, after);
  assert.equal(bytes(kept), encodeResponse(fresh), after);
}

test('every change a domain goes through shows in its kept record', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16], ['vcpus', 2]]);
  assertSame(cache, 'created');
  assertSame(cache, 'listed again');
  const changes: [string, () => unknown][] = [
    ['unpaused', () => x.domains.unpause('a')],
    ['paused', () => x.domains.pause('a')],
    ['memory set', () => x.domains.setMemoryTarget('a', 12)],
    ['renamed', () => x.domains.setName('a', 'b')],
    ['VCPUs set', () => x.domains.setVcpuCount('b', 1)],
    ['pinned', () => x.domains.pinVcpu('b', 0, '1,2')],
    ['weighed', () => x.domains.schedCreditSet('b', 512, 50)],
    ['crashed', () => x.domains.shutdown('b', 'crash')],
  ];
  for (const [after, change] of changes) {
    await change();
    assertSame(cache, after);
  }
});

test('a record listed again shares every element with the last but cpu_time, which is current', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16]]);
  x.domains.unpause('a');
  const d = () => x.sim.list().find((v) => v.name === 'a')!;
  const first = cache.record(d(), false, pinsOf(d()));
  const second = cache.record(d(), false, pinsOf(d()));
  const cpu = first.findIndex((e) => Array.isArray(e) && e[0] === 'cpu_time');
  assert.ok(first.every((e, i) => i === cpu || e === second[i]));
  const now = d();
  assert.deepEqual(cache.record(now, false, pinsOf(now))[cpu], ['cpu_time', now.cpuTime]);
});

test('a new domain under a domid another had gets its own record', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16]]);
  await x.domains.create(['vm', ['name', 'b'], ['memory', 32]]);
  const [a, b] = ['a', 'b'].map((n) => x.sim.list().find((v) => v.name === n)!);
  cache.record(a!, true);
  const reused: HvDomain = { ...b!, domid: a!.domid };
  assert.deepEqual(cache.record(reused, true), domainSxp(reused, true));
});

test('records of domains gone are dropped once the cache outgrows the listing', async () => {
  const cache = new RecordCache();
  for (let i = 0; i < 12; i++) await x.domains.create(['vm', ['name', `d${i}`], ['memory', 16]]);
  both(cache);
  for (let i = 0; i < 12; i++) x.domains.destroy(`d${i}`);
  const live = x.sim.list();
  cache.prune(live);
  assert.equal((cache as unknown as { brief: Map<number, unknown> }).brief.size, live.length);
});
