// Kept domain records (src/daemon/record-cache.ts): after every kind of change a listing shows what a record made anew shows, byte for byte.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimDomains } from '../../helpers/sim-domains.js';
import { printedAlike, RecordCache } from '../../../src/daemon/record-cache.js';
import { domainSxp, pinnedCpus, pinsOfVcpus } from '../../../src/daemon/domain-sxp.js';
import { encodeResponse, encodeResponseParts, keepResponse, keptResponse, type XmlRpcValue } from '../../../src/protocol/xmlrpc/index.js';
import type { HvDomain, VcpuPinning } from '../../../src/hypervisor/types.js';
import type { Sxp } from '../../../src/sxp/types.js';

let x: SimDomains;
beforeEach(() => (x = SimDomains.open()));
afterEach(() => x.close());

/** The pinning as vcpuInfo's cpumaps show it (the backends without vcpuPinning). */
const pinsOf = (d: HvDomain): VcpuPinning => pinsOfVcpus(x.sim.vcpuInfo(d.domid), x.sim.hostInfo().nr_cpus);
const bytes = (v: XmlRpcValue) => Buffer.concat(encodeResponseParts(v).map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();

/** One domain's record as a listing of the cache has it. */
const record = (cache: RecordCache, d: HvDomain, full: boolean, pins = pinsOf(d)): Sxp[] => cache.list([d], full, () => pins)[0] as Sxp[];

/** What every listing of the cache and of records made anew gives now, full and brief. */
function both(cache: RecordCache): { kept: Sxp[][]; fresh: Sxp[][] } {
  // One view per domain for both, so cpu_time is the same instant.
  const views = x.sim.list();
  const kept = [false, true].map((full) => cache.list(views, full, pinsOf) as Sxp[]);
  const fresh = [false, true].map((full) => views.map((d) => domainSxp(d, full, pinsOf(d)) as Sxp[]));
  return { kept, fresh };
}

/** Records with cpu_time as `xm list` prints it (%8.1f), the precision a kept record is current to. */
const printed = (list: Sxp[]): unknown[] =>
  list.map((r) => (r as Sxp[]).map((e) => (Array.isArray(e) && e[0] === 'cpu_time' ? ['cpu_time', Number(e[1]).toFixed(1)] : e)));

/** A copy made of plain arrays (no kept encodings), its scalars (PyFloat among them) as they are. */
const plain = (v: Sxp): Sxp => (Array.isArray(v) ? v.map(plain) : v);

/** Every listing shows what records made anew show (cpu_time as xm prints it), and encodes as its plain copy does; returns the listings. */
function assertSame(cache: RecordCache, after: string): Sxp[][] {
  const { kept, fresh } = both(cache);
  for (const [i, list] of kept.entries()) {
    assert.deepEqual(printed(list), printed(fresh[i]!), after);
    assert.equal(bytes(list), encodeResponse(plain(list)), after);
  }
  return kept;
}

test('every change a domain goes through shows in its kept record, and makes a new listing', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'z'], ['memory', 16]]);
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16], ['vcpus', 2]]);
  let last = assertSame(cache, 'created');
  // Brief: the same listing, unless Domain-0 (which runs) has just crossed a tenth of a second.
  const again = assertSame(cache, 'listed again')[0]!;
  assert.ok(again === last[0] || JSON.stringify(printed(again)) !== JSON.stringify(printed(last[0]!)), 'the same brief listing');
  const changes: [string, () => unknown][] = [
    ['unpaused', () => x.domains.unpause('a')],
    ['paused', () => x.domains.pause('a')],
    ['memory set', () => x.domains.setMemoryTarget('a', 12)],
    ['renamed', () => x.domains.setName('a', 'b')],
    ['VCPUs set', () => x.domains.setVcpuCount('b', 1)],
    ['pinned', () => x.domains.pinVcpu('b', 0, '1,2')],
    ['weighed', () => x.domains.schedCreditSet('b', 512, 50)],
    ['crashed', () => x.domains.shutdown('b', 'crash')],
    ['destroyed', () => x.domains.destroy('b')],
  ];
  for (const [after, change] of changes) {
    await change();
    const now = assertSame(cache, after);
    assert.ok(now.every((list, i) => list !== last[i]), `a new listing once ${after}`);
    last = now;
  }
});

test('a listing its successor replaces is retired: the response kept with it is given back', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16]]);
  const d = x.sim.list().find((v) => v.name === 'a')!;
  const at = (cpuTime: number) => cache.list([{ ...d, cpuTime }], false, () => undefined);
  const first = at(1.01);
  let givenBack = 0;
  assert.equal(keepResponse(first, Buffer.from(bytes(first)), () => givenBack++), true);
  assert.equal(at(1.04), first, 'the same listing');
  assert.equal(givenBack, 0);
  assert.notEqual(at(1.06), first);
  assert.equal(givenBack, 1, 'given back once replaced');
  assert.equal(keptResponse(first), undefined);
});

test('a record is handed out again until xm would print its cpu_time otherwise', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16]]);
  const d = x.sim.list().find((v) => v.name === 'a')!;
  const at = (cpuTime: number) => cache.list([{ ...d, cpuTime }], false, () => undefined);
  const cpuOf = (list: Sxp[]) => Number(((list[0] as Sxp[]).find((e) => Array.isArray(e) && e[0] === 'cpu_time') as Sxp[])[1]);
  const first = at(1.01);
  assert.equal(at(1.04), first, 'prints 1.0 as 1.01 does: the same listing');
  const second = at(1.06);
  assert.notEqual(second, first);
  assert.equal(cpuOf(second), 1.06);
  assert.equal((second[0] as Sxp[])[1], (first[0] as Sxp[])[1], 'the fixed elements are kept');
  // 0.25 is halfway between tenths: Python prints 0.2, JavaScript 0.3; alike only to itself.
  const half = at(0.25);
  assert.equal(at(0.25), half);
  assert.equal(cpuOf(at(0.26)), 0.26);
  // A full record (xm list --long prints cpu_time whole) shows every move.
  const fullAt = (cpuTime: number) => cpuOf(cache.list([{ ...d, cpuTime }], true, () => undefined));
  assert.deepEqual([fullAt(1.01), fullAt(1.01), fullAt(1.02)], [1.01, 1.01, 1.02]);
});

test('every CPU time printedAlike keeps prints as the time it was made from', () => {
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 20_000; i++) {
    const t = [random() * 10, random() * 1e6, Math.round(random() * 1000) / 20, 0][i % 4]!;
    const { low, high } = printedAlike(t);
    assert.ok(low <= t && t <= high, `${t} in its own range`);
    for (const u of [low, high, low + (high - low) * random()]) assert.equal(u.toFixed(1), t.toFixed(1), `${u} prints as ${t}`);
    if (low < high) for (const u of [low, high]) assert.ok(Math.abs(u * 20 - Math.round(u * 20)) > 1e-9 || (u * 20) % 2 === 0, `${u} is not halfway`);
  }
  assert.deepEqual(printedAlike(0.25), { low: 0.25, high: 0.25 });
  assert.deepEqual(printedAlike(-0.01), { low: -0.01, high: -0.01 });
});

test('a new domain under a domid another had gets its own record', async () => {
  const cache = new RecordCache();
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16]]);
  await x.domains.create(['vm', ['name', 'b'], ['memory', 32]]);
  const [a, b] = ['a', 'b'].map((n) => x.sim.list().find((v) => v.name === n)!);
  record(cache, a!, true);
  const reused: HvDomain = { ...b!, domid: a!.domid };
  assert.deepEqual(cache.list([reused], true, () => undefined), [domainSxp(reused, true)]);
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

test("the sim's vcpuPinning says what its vcpuInfo's cpumaps say", async () => {
  await x.domains.create(['vm', ['name', 'a'], ['memory', 16], ['vcpus', 3]]);
  const d = () => x.sim.list().find((v) => v.name === 'a')!;
  const agree = (after: string) => {
    const fromInfo = pinsOf(d());
    const pinning = x.sim.vcpuPinning(d().domid);
    for (let i = 0; i < d().vcpus; i++) assert.deepEqual(pinnedCpus(pinning, i), pinnedCpus(fromInfo, i), `${after}: VCPU ${i}`);
  };
  agree('unpinned');
  await x.domains.pinVcpu('a', 1, '1,2');
  agree('one pinned');
  await x.domains.pinVcpu('a', 0, '0');
  agree('two pinned');
  await x.domains.pinVcpu('a', 1, Array.from({ length: x.sim.hostInfo().nr_cpus }, (_, c) => c).join(','));
  agree('one pinned again to every CPU');
});
