import { PAGE_SIZE, type GuestMemory } from './memory.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import type { ImageStats, SaveImageOptions } from '../types.js';

/** Pages per batch on the wire: [int32 n][n × uint32 pfn][n pages]; n = -1 ends the image. */
const BATCH = 256;
/** xc_save's limits: at most this many rounds, or this many times the memory sent. */
const MAX_ROUNDS = 30;
const MAX_FACTOR = 3;
/** Few enough dirty pages to stop the guest and send the rest. */
const STOP_THRESHOLD = 50;

/**
 * The memory part of a save or migration stream, as xc_save wrote it: live, a
 * first round of every page while the guest runs, then rounds of what it dirtied
 * meanwhile, until little is left or the rounds run out; then the guest is
 * suspended and the last dirty pages go. Ends with the memory's checksum.
 */
export async function writeImage(mem: GuestMemory, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
  const started = Date.now();
  const stats: ImageStats = { rounds: 0, pages: 0, bytes: 0, downtimeMs: 0, checksum: '' };
  let suspendedAt = 0;
  const sendPages = async (pfns: readonly number[], round: number) => {
    for (let i = 0; i < pfns.length; i += BATCH) {
      opts.signal?.throwIfAborted();
      const batch = pfns.slice(i, i + BATCH);
      const buf = Buffer.allocUnsafe(4 + batch.length * (4 + PAGE_SIZE));
      buf.writeInt32BE(batch.length, 0);
      batch.forEach((pfn, j) => {
        buf.writeUInt32BE(pfn, 4 + j * 4);
        mem.writePage(pfn, buf, 4 + batch.length * 4 + j * PAGE_SIZE);
      });
      await sink.write(buf);
      stats.pages += batch.length;
      stats.bytes += buf.length;
      opts.progress?.({ round, pagesSent: stats.pages, bytesSent: stats.bytes, dirtyPages: pfns.length - i - batch.length, elapsedMs: Date.now() - started });
    }
  };
  const suspend = async () => {
    await opts.suspend();
    suspendedAt = Date.now();
  };
  const all = Array.from({ length: mem.pages }, (_, i) => i);
  try {
    if (!opts.live) {
      await suspend();
      stats.rounds = 1;
      await sendPages(all, 1);
    } else {
      mem.takeDirty();
      stats.rounds = 1;
      await sendPages(all, 1);
      let dirty = mem.takeDirty();
      while (stats.rounds < MAX_ROUNDS && dirty.length > STOP_THRESHOLD && stats.pages < MAX_FACTOR * mem.pages) {
        stats.rounds++;
        await sendPages(dirty, stats.rounds);
        dirty = mem.takeDirty();
      }
      await suspend();
      stats.rounds++;
      await sendPages([...new Set([...dirty, ...mem.takeDirty()])], stats.rounds);
    }
  } finally {
    mem.stopDirtyLog();
  }
  stats.checksum = mem.checksum();
  const end = Buffer.alloc(4 + 32);
  end.writeInt32BE(-1, 0);
  Buffer.from(stats.checksum, 'hex').copy(end, 4);
  await sink.write(end);
  stats.bytes += end.length;
  stats.downtimeMs = suspendedAt ? Date.now() - suspendedAt : 0;
  return stats;
}

/** Reads the memory part of a stream into `mem`, checking every page and the final checksum. */
export async function readImage(mem: GuestMemory, source: ByteSource): Promise<void> {
  for (;;) {
    const n = (await source.read(4)).readInt32BE(0);
    if (n === -1) break;
    if (n < 0 || n > 4096) throw new Error(`corrupt image: batch of ${n} pages`);
    const body = await source.read(n * (4 + PAGE_SIZE));
    for (let j = 0; j < n; j++) mem.readPage(body.readUInt32BE(j * 4), body, n * 4 + j * PAGE_SIZE);
  }
  const expected = (await source.read(32)).toString('hex');
  const actual = mem.checksum();
  if (expected !== actual) throw new Error(`memory checksum mismatch: sent ${expected}, received ${actual}`);
}
