import type { XmlRpcValue } from './types.js';

/**
 * An array whose elements are fixed but one (a domain record, whose cpu_time moves on
 * its own): the fixed elements are encoded once, on first use, and a list of arrays
 * `with` made (keptList) carries that encoding, so the encoder writes the kept bytes
 * and encodes only each live element. The arrays are frozen: an element changed
 * afterwards would disagree with the bytes. Whoever keeps one decides when it is
 * stale; a client's values never carry one (the decoder makes plain arrays).
 */
export class KeptArray<T extends XmlRpcValue = XmlRpcValue> {
  private bytes?: { head: Buffer; tail: Buffer };
  /** The live element last encoded, and its encoding: a listing asked again within the same tick writes it again. */
  private lastLive?: { value: XmlRpcValue; xml: string };
  /** The trims asked of this array (trimmedList), by their keys as a string: what each made. */
  private trims?: Map<string, KeptArray<T> | readonly T[]>;

  constructor(
    private readonly fixed: readonly T[],
    readonly liveAt: number,
  ) {
    if (!(liveAt >= 0 && liveAt < fixed.length)) throw new RangeError(`live element ${liveAt} outside an array of ${fixed.length}`);
  }

  /** A frozen copy of the fixed elements with `live` at liveAt. */
  with(live: T): T[] {
    const a = this.fixed.slice();
    a[this.liveAt] = live;
    return Object.freeze(a) as T[];
  }

  /** The bytes before and after the live element's, made by `encode` (the encoder's own value encoding). */
  encoding(encode: (v: XmlRpcValue) => string): { head: Buffer; tail: Buffer } {
    if (!this.bytes) {
      let head = '<value><array><data>\n';
      for (let i = 0; i < this.liveAt; i++) head += encode(this.fixed[i]!);
      let tail = '';
      for (let i = this.liveAt + 1; i < this.fixed.length; i++) tail += encode(this.fixed[i]!);
      this.bytes = { head: Buffer.from(head, 'utf8'), tail: Buffer.from(`${tail}</data></array></value>\n`, 'utf8') };
    }
    return this.bytes;
  }

  /**
   * This array without the children trimRecord leaves out for `keys` (`sig`: them as a
   * string): a KeptArray of the rest, or, when the live element is left out, the rest
   * itself, frozen. Made once for each of the last MAX_TRIMS key sets asked.
   */
  trimmed(keys: ReadonlySet<string>, sig: string): KeptArray<T> | readonly T[] {
    this.trims ??= new Map();
    let made = this.trims.get(sig);
    if (!made) {
      const rest = trimRecord(this.fixed, keys);
      const liveAt = trimRecord(this.fixed.slice(0, this.liveAt), keys).length;
      made = stays(this.fixed[this.liveAt], keys) ? new KeptArray(rest, liveAt) : Object.freeze(rest);
      remember(this.trims, sig, made);
    }
    return made;
  }

  /** The live element of `a` (made by `with`) encoded by `encode`, or its encoding of last time if it is the same element. */
  liveEncoding(a: readonly XmlRpcValue[], encode: (v: XmlRpcValue) => string): string {
    const live = a[this.liveAt]!;
    if (this.lastLive?.value !== live) this.lastLive = { value: live, xml: encode(live) };
    return this.lastLive.xml;
  }
}

const KEPT = Symbol('kept XML-RPC encodings');

/** What keptList marks a list with: its items' kept encodings, and the whole response once encoded. */
interface KeptMark {
  readonly items: readonly (KeptArray | undefined)[];
  response?: { bytes: Buffer; retired: () => void };
  retired?: true;
  /** The lists trimmedList made of this one, by their keys as a string (the last MAX_TRIMS asked). */
  trimmed?: Map<string, XmlRpcValue[]>;
}

/**
 * A frozen list of `items`, where item i, if kept[i] is set, was made by kept[i].with:
 * the encoder writes those items' kept bytes. One mark for the whole list, not one per
 * item: marking an array costs more than copying it. Frozen, the list always encodes
 * to the same response, which the server may keep with it (keepResponse).
 */
export function keptList<T extends XmlRpcValue>(items: T[], kept: readonly (KeptArray | undefined)[]): T[] {
  // Not enumerable: the list compares and prints as the plain array it is.
  Object.defineProperty(items, KEPT, { value: { items: kept } satisfies KeptMark });
  return Object.freeze(items) as T[];
}

function markOf(v: unknown): KeptMark | undefined {
  return Array.isArray(v) ? (v as { [KEPT]?: KeptMark })[KEPT] : undefined;
}

/** The kept encodings of a list keptList made, by index, if `v` is one. */
export function keptOf(v: unknown): readonly (KeptArray | undefined)[] | undefined {
  return markOf(v)?.items;
}

/** The whole response document of `v` as bytes, if `v` is a list keptList made and keepResponse kept them (never to be written into). */
export function keptResponse(v: unknown): Buffer | undefined {
  return markOf(v)?.response?.bytes;
}

/**
 * Keeps `bytes`, the whole response document of `v` (a list keptList made: frozen, it
 * always encodes to them), with `v` until retireList(v) calls `retired`, for their keeper
 * to take them back. False, keeping nothing, when `v` is no such list or was retired.
 */
export function keepResponse(v: unknown, bytes: Buffer, retired: () => void): boolean {
  const mark = markOf(v);
  if (!mark || mark.retired) return false;
  mark.response = { bytes, retired };
  return true;
}

/** `v` (a list keptList made) will not be handed out again: its kept response, if any, is given back and none is kept after. */
export function retireList(v: unknown): void {
  const mark = markOf(v);
  if (!mark) return;
  mark.retired = true;
  const response = mark.response;
  mark.response = undefined;
  response?.retired();
  for (const list of mark.trimmed?.values() ?? []) retireList(list);
}

/**
 * Key sets a listing keeps a trim for: the few its clients ask (xm list's table, --json's
 * record, --pool's), each kept while the listing is; one more evicts the oldest, so a client
 * cycling through sets costs a trim per request, as a new listing does, and no more memory.
 */
const MAX_TRIMS = 4;

/** Adds `value` under `key`; returns the oldest value it evicted to stay within MAX_TRIMS. */
function remember<V>(trims: Map<string, V>, key: string, value: V): V | undefined {
  let evicted: V | undefined;
  if (trims.size >= MAX_TRIMS) {
    const [oldest, old] = trims.entries().next().value as [string, V];
    trims.delete(oldest);
    evicted = old;
  }
  trims.set(key, value);
  return evicted;
}

/**
 * The record without the children a caller said it does without: those headed by a string
 * not in `keys`. Its head, and any child not so headed, stay (what the client's reader
 * passes over is exactly what is left out here).
 */
export function trimRecord<T>(record: readonly T[], keys: ReadonlySet<string>): T[] {
  return record.filter((c) => stays(c, keys));
}

const stays = (child: unknown, keys: ReadonlySet<string>): boolean => !Array.isArray(child) || typeof child[0] !== 'string' || keys.has(child[0]);

/**
 * `v` (a list keptList made, of records) with each record trimmed (trimRecord) to `keys`:
 * a kept list itself, made once for the listing and each key set asked (the last MAX_TRIMS), so
 * its response is kept with it as the listing's own is, and retired with it. Any other `v`, or
 * no keys, is returned as it is.
 */
export function trimmedList<V>(v: V, keys: ReadonlySet<string> | undefined): V {
  const mark = markOf(v);
  if (!mark || !keys) return v;
  const sig = [...keys].join(' ');
  const known = mark.trimmed?.get(sig);
  if (known) return known as V;
  const records = v as readonly XmlRpcValue[];
  const items: XmlRpcValue[] = new Array(records.length);
  const kept: (KeptArray | undefined)[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const k = mark.items[i];
    if (!k) {
      items[i] = Array.isArray(record) ? trimRecord(record, keys) : record;
      continue;
    }
    const made = k.trimmed(keys, sig);
    if (made instanceof KeptArray) {
      items[i] = made.with((record as XmlRpcValue[])[k.liveAt]!);
      kept[i] = made;
    } else items[i] = made as XmlRpcValue[];
  }
  const list = keptList(items, kept);
  // The trim no longer remembered is retired: its response goes back to its keeper.
  retireList(remember((mark.trimmed ??= new Map()), sig, list));
  if (mark.retired) retireList(list); // a listing already replaced: written this once
  return list as V;
}
