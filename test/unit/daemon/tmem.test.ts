// Xen's tmem control and debug keys on the sim host (src/hypervisor/sim/tmem.ts, debug-keys.ts), through xend's services.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { SimDomains } from '../../helpers/sim-domains.js';
import { TmemService } from '../../../src/daemon/tmem.js';
import { NodeService } from '../../../src/daemon/node.js';
import { XendError } from '../../../src/protocol/faults.js';
import type { Hypervisor } from '../../../src/hypervisor/types.js';

let x: SimDomains;
let tmem: TmemService;
beforeEach(() => {
  x = SimDomains.open();
  tmem = new TmemService(x.sim);
});
afterEach(() => x.close());

async function guest(name: string, memory = 64): Promise<number> {
  await x.domains.create(['vm', ['name', name], ['memory', memory]]);
  return x.domains.lookup(name).domid;
}
const lastLines = (n: number) => x.sim.dmesg().trimEnd().split('\n').slice(-n);

test("tmem-list: Xen's G=, C=, P=, T lines; one client's lines; -1 for a domain without tmem", async () => {
  const id = await guest('a', 64);
  const all = String(tmem.list(-1, false));
  assert.match(all, /^G=Tt:\d+,Te:0,Cf:0,Af:0,Pf:0,Ta:0,Lm:0,Et:0,Ea:0,Rt:0,Ra:0,Rx:0,Fp:0\n/);
  assert.match(all, /\nT\n$/);
  assert.equal(tmem.list(id, false), `C=CI:${id},ww:0,ca:0,co:0,fr:0,Tc:0,Ge:512,Pp:0,Gp:0\nP=CI:${id},PI:0,PT:EP,U0:0,U1:0\n`);
  assert.match(String(tmem.list(id, true)), /^C=CI:\d+,.*,Gp:0,Ec:1024,Em:1024,cp:0,cb:0,cn:0,cm:0\nP=CI:\d+,PI:0,PT:EP,U0:0,U1:0,Pc:1024,/);
  assert.equal(tmem.list(99, false), -1);
});

test('freeze, thaw, weight, cap, compress: the client changes, Xen says so on its console, and it outlives xend', async () => {
  const id = await guest('a');
  assert.equal(tmem.freeze(id), 0);
  assert.deepEqual(lastLines(1), [`(XEN) tmem: all pools frozen for domid=${id}`]);
  assert.deepEqual([tmem.setWeight(id, 7), tmem.setCap(id, 3), tmem.setCompress(id, 2)], [0, 0, 0]);
  assert.deepEqual(lastLines(3), [`(XEN) tmem: weight set to 7 for domid=${id}`, `(XEN) tmem: cap set to 3 for domid=${id}`, `(XEN) tmem: compression enabled for domid=${id}`]);
  x = await x.reopen();
  tmem = new TmemService(x.sim);
  assert.match(String(tmem.list(id, false)), new RegExp(`^C=CI:${id},ww:7,ca:3,co:1,fr:1,`));
  assert.equal(tmem.thaw(-1), 0);
  assert.deepEqual(lastLines(1), ['(XEN) tmem: all pools thawed for all domains']);
  // Xen 4.4 thawed what it said it destroyed.
  tmem.freeze(id);
  assert.equal(tmem.destroy(id), 0);
  assert.match(String(tmem.list(id, false)), /,fr:0,/);
  assert.equal(tmem.freeze(99), -1);
});

test('flush gives ephemeral pages back (all clients only); freeable counts what is left', async () => {
  await guest('a', 64);
  const before = tmem.freeableMb();
  assert.equal(tmem.flush(1, 1024), -1);
  assert.equal(tmem.flush(-1, 1024), 1024);
  assert.equal(tmem.freeableMb(), before - 1);
  tmem.flush(-1, -1);
  assert.equal(tmem.freeableMb(), 0);
});

test("shared-auth: Xen's answers for authorizing and deauthorizing a pool's uuid", async () => {
  const id = await guest('a');
  const uuid = '01234567-89AB-cdef-0123-456789abcdef';
  assert.deepEqual([tmem.sharedAuth(id, uuid, 1), tmem.sharedAuth(id, uuid, 0), tmem.sharedAuth(id, uuid, 0)], [1, 1, 0]);
  assert.deepEqual([tmem.sharedAuth(id, 'nonsense', 1), tmem.sharedAuth(99, uuid, 1), tmem.sharedAuth(-1, uuid, 1)], [-1, -22, 1]);
});

test('arguments are bounded, and a backend without tmem refuses naming itself', () => {
  assert.throws(() => tmem.list(-2, false), new XendError('Invalid tmem domain id: -2'));
  assert.throws(() => tmem.setWeight(0, 2 ** 31), new XendError(`Invalid tmem weight: ${2 ** 31}`));
  assert.throws(() => tmem.setCap(0, 1.5), new XendError('Invalid tmem cap: 1.5'));
  const bare = { name: 'qemu' } as Hypervisor;
  assert.throws(() => new TmemService(bare).freeableMb(), new XendError('The qemu hypervisor backend cannot control tmem'));
});

test("debug keys: the sim's console shows what Xen printed for the keys it knew, and ignores the others", () => {
  const node = new NodeService(x.sim, '/nonexistent');
  node.sendDebugKeys('hRq');
  const ring = x.sim.dmesg();
  assert.match(ring, /\(XEN\) 'h' pressed -> showing installed handlers\n\(XEN\)  key '0' \(ascii '30'\) => dump Dom0 registers\n/);
  assert.match(ring, /\(XEN\)  key 'q' \(ascii '71'\) => dump domain \(and guest debug\) info\n/);
  assert.doesNotMatch(ring, /'R' pressed/);
  assert.match(ring, /\(XEN\) 'q' pressed -> dumping domain info\n\(XEN\) General information for domain 0:\n/);
  assert.throws(() => node.sendDebugKeys('a\nb'), new XendError('Invalid debug keys: "a\\nb"'));
  assert.throws(() => node.sendDebugKeys(''), /Invalid debug keys/);
  assert.throws(() => new NodeService({ name: 'qemu' } as Hypervisor, '/x').sendDebugKeys('h'), new XendError('The qemu hypervisor backend cannot send debug keys'));
});
