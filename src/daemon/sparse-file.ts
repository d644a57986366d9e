import type { FileHandle } from 'node:fs/promises';
import type { ByteSink } from '../protocol/byte-stream.js';

/** The unit a hole is made of: a file system block (and a guest page). */
const BLOCK = 4096;
const ZERO_BLOCK = Buffer.alloc(BLOCK);

export interface SparseSink extends ByteSink {
  /** Gives the file its whole length (a hole at its end included); call once, after the last write. */
  finish(): Promise<void>;
}

/**
 * Writes a stream into a regular file, leaving a hole wherever a whole block is
 * zeros (as `cp --sparse=always`): the pages of a save the guest never wrote
 * take no disk space and read back as the zeros they are.
 */
export function sparseSink(file: FileHandle): SparseSink {
  /** Where `tail` begins in the file: a block boundary. */
  let at = 0;
  /** The beginning of a block, held until the block is whole: it may yet be all zeros. */
  let tail = Buffer.alloc(0);
  /** Writes the whole blocks of `data` (which begins at `at`) but its zero ones, and holds the rest. */
  const put = async (data: Buffer) => {
    const whole = data.length - (data.length % BLOCK);
    let pending = 0;
    for (let off = 0; off < whole; off += BLOCK) {
      if (data.compare(ZERO_BLOCK, 0, BLOCK, off, off + BLOCK) !== 0) continue;
      if (off > pending) await writeAllAt(file, data.subarray(pending, off), at + pending);
      pending = off + BLOCK;
    }
    if (whole > pending) await writeAllAt(file, data.subarray(pending, whole), at + pending);
    at += whole;
    // Copied: the writer may reuse its buffer once the write resolves.
    tail = Buffer.from(data.subarray(whole));
  };
  return {
    async write(data) {
      if (tail.length) {
        const fill = Math.min(BLOCK - tail.length, data.length);
        const head = Buffer.concat([tail, data.subarray(0, fill)]);
        if (head.length < BLOCK) {
          tail = head;
          return;
        }
        await put(head);
        data = data.subarray(fill);
      }
      await put(data);
    },
    async finish() {
      await writeAllAt(file, tail, at);
      await file.truncate(at + tail.length);
    },
  };
}

async function writeAllAt(file: FileHandle, data: Buffer, position: number): Promise<void> {
  for (let done = 0; done < data.length; ) done += (await file.write(data, done, data.length - done, position + done)).bytesWritten;
}
