/**
 * Iteration order of a CPython 2 (64-bit) dict with str keys. xm builds some SXP
 * from `d.keys()` / `d.iteritems()` (vif options, vfb options, PCI devices), so
 * the order users saw depends on Python 2's string hash and open addressing.
 * This replays the table: hash, probe sequence, dummy slots and resizes.
 */
const MASK64 = (1n << 64n) - 1n;
const MIN_SIZE = 8;
const PERTURB_SHIFT = 5n;
const DUMMY = Symbol('dummy');

/** Python 2's str hash as an unsigned 64-bit value (no hash randomization, as xm ran). */
export function py2StringHash(s: string): bigint {
  const bytes = new TextEncoder().encode(s);
  if (bytes.length === 0) return 0n;
  let x = BigInt(bytes[0]!) << 7n;
  for (const b of bytes) x = ((1000003n * x) & MASK64) ^ BigInt(b);
  x ^= BigInt(bytes.length);
  return x === MASK64 ? MASK64 - 1n : x; // -1 is reserved for errors; CPython uses -2
}

interface Entry {
  key: string;
  hash: bigint;
}

type Slot = Entry | typeof DUMMY | null;

export class Py2KeyOrder {
  private table: Slot[] = new Array<Slot>(MIN_SIZE).fill(null);
  private fill = 0;
  private used = 0;

  constructor(keys: Iterable<string> = []) {
    for (const k of keys) this.set(k);
  }

  /** d[key] = … : a new key takes a slot; an existing one keeps its place. */
  set(key: string): void {
    const hash = py2StringHash(key);
    const i = this.lookup(key, hash);
    const slot = this.table[i]!;
    if (slot !== null && slot !== DUMMY) return;
    if (slot === null) this.fill++;
    this.table[i] = { key, hash };
    this.used++;
    if (this.fill * 3 >= this.table.length * 2) this.resize((this.used > 50000 ? 2 : 4) * this.used);
  }

  /** del d[key]: the slot becomes a dummy, which later insertions may reuse. */
  delete(key: string): void {
    const i = this.lookup(key, py2StringHash(key));
    const slot = this.table[i];
    if (slot === null || slot === DUMMY) return;
    this.table[i] = DUMMY;
    this.used--;
  }

  keys(): string[] {
    return this.table.filter((s): s is Entry => s !== null && s !== DUMMY).map((s) => s.key);
  }

  /** CPython's lookdict_string: the slot holding key, or where it would go. */
  private lookup(key: string, hash: bigint): number {
    const mask = BigInt(this.table.length - 1);
    let i = hash & mask;
    let freeslot: number | null = null;
    let perturb = hash;
    for (;;) {
      const index = Number(i & mask);
      const slot = this.table[index]!;
      if (slot === null) return freeslot ?? index;
      if (slot === DUMMY) freeslot ??= index;
      else if (slot.key === key) return index;
      i = ((i << 2n) + i + perturb + 1n) & MASK64;
      perturb >>= PERTURB_SHIFT;
    }
  }

  private resize(minUsed: number): void {
    let size = MIN_SIZE;
    while (size <= minUsed) size <<= 1;
    const old = this.table;
    this.table = new Array<Slot>(size).fill(null);
    this.fill = this.used;
    for (const slot of old) {
      if (slot !== null && slot !== DUMMY) this.table[this.emptySlot(slot.hash)] = slot;
    }
  }

  private emptySlot(hash: bigint): number {
    const mask = BigInt(this.table.length - 1);
    let i = hash & mask;
    let perturb = hash;
    while (this.table[Number(i & mask)] !== null) {
      i = ((i << 2n) + i + perturb + 1n) & MASK64;
      perturb >>= PERTURB_SHIFT;
    }
    return Number(i & mask);
  }
}
