// The observed hypervisor (src/daemon/observed.ts): told of what is built, destroyed and changed; every other call straight through.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { observed } from '../../../src/daemon/observed.js';
import type { HvDomain, Hypervisor } from '../../../src/hypervisor/types.js';

/** Just enough of a backend: create and destroy keep `made`, list reads it through `this`. */
function fakeBackend() {
  return {
    made: new Map<number, HvDomain>(),
    create(spec: { name: string }) {
      const d = { domid: this.made.size + 1, name: spec.name } as HvDomain;
      this.made.set(d.domid, d);
      return d;
    },
    get(domid: number) {
      return this.made.get(domid);
    },
    destroy(domid: number) {
      this.made.delete(domid);
    },
    list() {
      return [...this.made.values()];
    },
  };
}

test('builds and destroys are told; other calls reach the backend as themselves', () => {
  const backend = fakeBackend();
  const told: string[] = [];
  const hv = observed(backend as unknown as Hypervisor, { created: (d) => told.push(`+${d.name}`), destroyed: (d) => told.push(`-${d.name}`) });
  hv.create({ name: 'a' } as never);
  hv.destroy(1);
  assert.deepEqual(told, ['+a', '-a']);
  const { list } = hv; // detached, as a caller may hold it
  hv.create({ name: 'b' } as never);
  assert.deepEqual(list().map((d) => d.name), ['b']);
});

test('a method is bound once, and anew when the backend replaces it', () => {
  const backend = fakeBackend();
  const hv = observed(backend as unknown as Hypervisor, {});
  assert.equal(hv.list, hv.list);
  const first = hv.list;
  backend.list = () => [];
  assert.notEqual(hv.list, first);
  assert.deepEqual(hv.list(), []);
});
