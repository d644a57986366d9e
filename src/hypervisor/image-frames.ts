import { createHash } from 'node:crypto';
import type { ByteSink, ByteSource } from '../protocol/byte-stream.js';

/**
 * A hypervisor's own image stream carried inside xend's save and migration
 * stream: [int32 n][n bytes] frames, then -1 and the SHA-256 of what was
 * framed. The QEMU and Xen backends both frame their tool's stream this way.
 */

/** A framed chunk larger than this is not a hypervisor's stream. */
const MAX_CHUNK = 16 << 20;

export interface FramedOutput {
  /** Bytes written to the sink so far, frame headers included. */
  readonly bytes: number;
  /** Frames one chunk of the hypervisor's stream. */
  write(chunk: Buffer): Promise<void>;
  /** The end marker and checksum; returns the checksum (hex). */
  end(): Promise<string>;
}

export function framedOutput(sink: ByteSink): FramedOutput {
  const hash = createHash('sha256');
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    async write(chunk) {
      const head = Buffer.alloc(4);
      head.writeInt32BE(chunk.length, 0);
      await sink.write(Buffer.concat([head, chunk]));
      hash.update(chunk);
      bytes += chunk.length + 4;
    },
    async end() {
      const checksum = hash.digest('hex');
      const end = Buffer.alloc(36);
      end.writeInt32BE(-1, 0);
      Buffer.from(checksum, 'hex').copy(end, 4);
      await sink.write(end);
      bytes += 36;
      return checksum;
    },
  };
}

/** Unframes a stream into `write`; checks the checksum at its end and returns it. */
export async function readFramed(source: ByteSource, write: (data: Buffer) => Promise<void>): Promise<string> {
  const hash = createHash('sha256');
  for (;;) {
    const n = (await source.read(4)).readInt32BE(0);
    if (n === -1) break;
    if (n < 0 || n > MAX_CHUNK) throw new Error(`corrupt image: chunk of ${n} bytes`);
    const data = await source.read(n);
    hash.update(data);
    await write(data);
  }
  const expected = (await source.read(32)).toString('hex');
  const actual = hash.digest('hex');
  if (expected !== actual) throw new Error(`image checksum mismatch: sent ${expected}, received ${actual}`);
  return actual;
}
