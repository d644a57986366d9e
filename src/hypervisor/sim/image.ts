import { PAGE_SIZE, type GuestMemory } from './memory.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import type { ImageStats, SaveImageOptions } from '../types.js';

/**
 * Pages per batch on the wire: [int32 n][n × uint32 pfn][n pages]; n = -1 ends the image.
 * xc_save's MAX_BATCH_SIZE; a reader takes any n up to MAX_BATCH (this backend once sent 256).
 */
const BATCH = 1024;
/** The largest batch a reader takes. */
const MAX_BATCH = 4096;
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
 * Only the pages the guest has are sent (its current memory): those its balloon
 * gave back are not, as xc_save skipped unpopulated ones, so the image is the
 * size of the guest's memory, not of its maximum. The receiver's new memory holds
 * zeros there already. (An image of every page, as this backend once wrote, reads the same.)
 */
export async function writeImage(mem: GuestMemory, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
  const started = Date.now();
  const stats: ImageStats = { rounds: 0, pages: 0, bytes: 0, downtimeMs: 0, checksum: '' };
  let suspendedAt = 0;
  const frame = new BatchFrame();
  const sendPages = async (pfns: Uint32Array, round: number) => {
    for (let i = 0; i < pfns.length; i += BATCH) {
      opts.signal?.throwIfAborted();
      const batch = pfns.subarray(i, i + BATCH);
      const data = frame.fill(mem, batch);
      await sink.write(data);
      stats.pages += batch.length;
      stats.bytes += data.length;
      opts.progress?.({ round, pagesSent: stats.pages, bytesSent: stats.bytes, dirtyPages: pfns.length - i - batch.length, roundPages: pfns.length, elapsedMs: Date.now() - started });
    }
  };
  const suspend = async () => {
    await opts.suspend();
    suspendedAt = Date.now();
  };
  const populated = new Uint32Array(mem.populatedPages);
  for (let pfn = 0; pfn < populated.length; pfn++) populated[pfn] = pfn;
  try {
    if (!opts.live) {
      await suspend();
      stats.rounds = 1;
      await sendPages(populated, 1);
    } else {
      mem.takeDirty();
      stats.rounds = 1;
      await sendPages(populated, 1);
      while (stats.rounds < MAX_ROUNDS && mem.dirtyCount() > STOP_THRESHOLD && stats.pages < MAX_FACTOR * mem.populatedPages) {
        stats.rounds++;
        await sendPages(mem.takeDirty(), stats.rounds);
      }
      await suspend();
      stats.rounds++;
      await sendPages(mem.takeDirty(), stats.rounds);
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

/**
 * One buffer for every batch (the sink is done with it once its write resolves): the
 * pages at a fixed place, the batch's count and pfns just before its first page. A slot
 * still holding zeros from an earlier batch is not cleared again, so the zero pages
 * that most of a guest's memory is cost nothing but their pfn.
 */
class BatchFrame {
  private readonly buf = Buffer.allocUnsafe(4 + BATCH * (4 + PAGE_SIZE));
  /** Whether a page slot holds zeros now (allocUnsafe's do not). */
  private readonly zero = new Uint8Array(BATCH);

  /** The wire form of a batch of at most BATCH pages. */
  fill(mem: GuestMemory, pfns: Uint32Array): Buffer {
    const n = pfns.length;
    const pagesAt = 4 + BATCH * 4;
    const start = pagesAt - 4 - n * 4;
    this.buf.writeInt32BE(n, start);
    for (let j = 0; j < n; j++) {
      const pfn = pfns[j]!;
      const at = pagesAt + j * PAGE_SIZE;
      this.buf.writeUInt32BE(pfn, start + 4 + j * 4);
      if (mem.written(pfn)) {
        mem.writePage(pfn, this.buf, at);
        this.zero[j] = 0;
      } else if (!this.zero[j]) {
        this.buf.fill(0, at, at + PAGE_SIZE);
        this.zero[j] = 1;
      }
    }
    return this.buf.subarray(start, pagesAt + n * PAGE_SIZE);
  }
}

/** Reads the memory part of a stream into `mem` (a new one: pages not sent stay zero), checking every page and the final checksum. */
export async function readImage(mem: GuestMemory, source: ByteSource): Promise<void> {
  const spanning = Buffer.allocUnsafe(PAGE_SIZE);
  const pfns = new Uint32Array(MAX_BATCH);
  let n = (await source.read(4)).readInt32BE(0);
  while (n !== -1) {
    if (n < 0 || n > MAX_BATCH) throw new Error(`corrupt image: batch of ${n} pages`);
    const wire = await source.read(n * 4);
    for (let j = 0; j < n; j++) pfns[j] = wire.readUInt32BE(j * 4);
    let next = 0;
    // Pages checked straight out of the stream's chunks: only a page straddling two is copied.
    await source.readPieces(n * PAGE_SIZE, wholePages(spanning, (data, offset, count) => mem.readPages(pfns.subarray(next, (next += count)), data, offset)));
    n = (await source.read(4)).readInt32BE(0);
  }
  const expected = (await source.read(32)).toString('hex');
  const actual = mem.checksum();
  if (expected !== actual) throw new Error(`memory checksum mismatch: sent ${expected}, received ${actual}`);
}

/**
 * Cuts a run of pieces that holds whole pages into runs of pages for `onPages`: in
 * place where pages lie within one piece, copied into `spanning` where one straddles two.
 */
function wholePages(spanning: Buffer, onPages: (data: Buffer, offset: number, count: number) => void): (piece: Buffer) => void {
  let held = 0;
  return (piece) => {
    let at = 0;
    if (held) {
      at = piece.copy(spanning, held, 0, PAGE_SIZE - held);
      held += at;
      if (held < PAGE_SIZE) return;
      held = 0;
      onPages(spanning, 0, 1);
    }
    const count = Math.floor((piece.length - at) / PAGE_SIZE);
    if (count) onPages(piece, at, count);
    held = piece.copy(spanning, 0, at + count * PAGE_SIZE);
  };
}
