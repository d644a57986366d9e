import type { XmlRpcValue } from './types.js';

/**
 * An array whose elements are fixed but one (a domain record, whose cpu_time moves on
 * its own): the fixed elements are encoded once, on first use, and every array `with`
 * makes carries that encoding, so the encoder writes the kept bytes and encodes only
 * the live element. The arrays are frozen: an element changed afterwards would
 * disagree with the bytes. Whoever keeps one decides when it is stale; a client's
 * values never carry one (the decoder makes plain arrays).
 */
export class KeptArray<T extends XmlRpcValue = XmlRpcValue> {
  private bytes?: { head: Buffer; tail: Buffer };

  constructor(
    private readonly fixed: readonly T[],
    readonly liveAt: number,
  ) {
    if (!(liveAt >= 0 && liveAt < fixed.length)) throw new RangeError(`live element ${liveAt} outside an array of ${fixed.length}`);
  }

  /** A frozen copy of the fixed elements with `live` at liveAt, carrying this encoding. */
  with(live: T): T[] {
    const a = this.fixed.slice();
    a[this.liveAt] = live;
    // Not enumerable: the array compares and prints as the plain array it is.
    Object.defineProperty(a, KEPT, { value: this });
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
}

const KEPT = Symbol('kept XML-RPC encoding');

/** The kept encoding an array made by KeptArray.with carries, if `v` is one. */
export function keptOf(v: unknown): KeptArray | undefined {
  return Array.isArray(v) ? (v as { [KEPT]?: KeptArray })[KEPT] : undefined;
}
