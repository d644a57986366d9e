/**
 * Buffers for replies written in pieces, used again once a reply is written. A large
 * fresh buffer costs its pages' faults on every reply (more than copying into it);
 * a few kept ones cost a bounded amount of memory instead.
 */
export class ReplyBuffers {
  private readonly free: Buffer[] = [];

  constructor(
    /** How many idle buffers are kept. */
    private readonly keep = 8,
    /** A buffer larger than this is never kept (a listing of thousands of domains). */
    private readonly largest = 4 << 20,
  ) {}

  /** The pieces in one buffer: kept bytes copied, strings encoded straight into it. Hand it back with `release` once written. */
  join(parts: readonly (string | Buffer)[]): Buffer {
    return writeParts(parts, this.take(partsLength(parts)));
  }

  /** `buf` (from join) is written: its memory may serve another reply. */
  release(buf: Buffer): void {
    const memory = buf.buffer;
    if (buf.byteOffset !== 0 || memory.byteLength > this.largest || this.free.length >= this.keep) return;
    // Twice released, it would serve two replies at once.
    if (!this.free.some((b) => b.buffer === memory)) this.free.push(Buffer.from(memory));
  }

  private take(size: number): Buffer {
    const i = this.free.findIndex((b) => b.length >= size);
    if (i >= 0) return this.free.splice(i, 1)[0]!.subarray(0, size);
    // Room to grow: the next reply of this kind is a little longer or shorter.
    const room = size <= this.largest ? Math.ceil((size * 1.25) / 65536) * 65536 : size;
    return Buffer.allocUnsafeSlow(room).subarray(0, size);
  }
}

/** The pieces (`size` bytes: partsLength) in a buffer of their own, never lent: one kept for many replies. */
export function joinParts(parts: readonly (string | Buffer)[], size: number): Buffer {
  return writeParts(parts, Buffer.allocUnsafeSlow(size));
}

export function partsLength(parts: readonly (string | Buffer)[]): number {
  let size = 0;
  for (const p of parts) size += typeof p === 'string' ? Buffer.byteLength(p, 'utf8') : p.length;
  return size;
}

function writeParts(parts: readonly (string | Buffer)[], out: Buffer): Buffer {
  let at = 0;
  for (const p of parts) {
    if (typeof p === 'string') at += out.write(p, at, 'utf8');
    else {
      out.set(p, at);
      at += p.length;
    }
  }
  return out;
}
