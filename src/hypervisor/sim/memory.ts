import { createHash } from 'node:crypto';
import { ftruncateSync, readFileSync, writevSync } from 'node:fs';
import { dirname } from 'node:path';
import { makeDirDurably, removeFile, replaceFile } from '../../store/durable.js';

export const PAGE_SIZE = 4096;
const HEADER_MAGIC = 0x58454e50; // "XENP"
/** Pages per chunk of the version table (256: CHUNK_SHIFT bits of the pfn pick the slot). */
const CHUNK_SHIFT = 8;
const CHUNK = 1 << CHUNK_SHIFT;
/** Versions of pages never written, for the checksum: 64 chunks' worth. */
const ZERO_RUN = new Uint32Array(64 * CHUNK);

/**
 * A simulated guest's RAM. Each page has a version (0 = never written, all
 * zeros); a page's bytes are a pure function of (pfn, version), carried in a
 * 16-byte header and a fill that a receiver can verify. Versions are kept in
 * chunks allocated on a page's first write, so memory costs only what the guest
 * has touched, yet every byte moved by save or migration is real and checked. A
 * running guest dirties pages of its working set at a steady rate; dirty logging
 * records which pages changed since a round began. The guest has the first
 * `populated` pages of its maximum (its current memory); ballooning down gives the
 * rest back, their contents lost.
 */
export class GuestMemory {
  readonly pages: number;
  /** Versions of pages [i × CHUNK, (i + 1) × CHUNK); a missing chunk is all version 0. */
  private readonly chunks: (Uint32Array | undefined)[];
  private dirty: Set<number> | null = null;
  private runningSince: number | null = null;
  private rngState: number;
  /** Pages the guest has now: its current memory, the rest of its maximum ballooned out. */
  private populated: number;
  private workingSet = 1;
  /** The file that holds exactly these versions, so persisting there again can be skipped. */
  private savedAt: string | null = null;
  /** checksum() of these versions, until one changes. */
  private digest: string | null = null;

  constructor(
    mib: number,
    /** The whole version table, as persisted; ignored unless it has one entry a page. */
    versions?: Uint32Array,
    /** Pages per second a running guest writes. */
    private readonly dirtyRate = 2000,
  ) {
    this.pages = (mib * 1024 * 1024) / PAGE_SIZE;
    this.chunks = new Array<Uint32Array | undefined>(Math.ceil(this.pages / CHUNK));
    if (versions?.length === this.pages) this.adopt(versions);
    this.rngState = (this.pages * 2654435761) >>> 0 || 1;
    this.populated = this.pages;
    this.setWorkingSet();
  }

  /** Pages the guest has now (its current memory). */
  get populatedPages(): number {
    return this.populated;
  }

  /**
   * The guest now has `mib` of its maximum, as a balloon driver leaves it: pages
   * beyond are handed back to the hypervisor and read as zeros again (logged dirty,
   * so a live migration under way sends them as such).
   */
  balloon(mib: number): void {
    this.advance();
    this.populated = Math.min(this.pages, (mib * 1024 * 1024) / PAGE_SIZE);
    for (let i = this.populated >>> CHUNK_SHIFT; i < this.chunks.length; i++) {
      if (!this.chunks[i]) continue;
      for (let pfn = Math.max(this.populated, i * CHUNK); pfn < i * CHUNK + this.chunkLength(i); pfn++) {
        if (this.version(pfn) === 0) continue;
        this.setVersion(pfn, 0);
        this.dirty?.add(pfn);
      }
      if (i * CHUNK >= this.populated) this.chunks[i] = undefined;
    }
    this.setWorkingSet();
  }

  /** The memory persisted at `path`; all zeros if there is none (or it is for another size). */
  static load(path: string, mib: number): GuestMemory {
    let buf: Buffer;
    try {
      buf = readFileSync(path);
    } catch (err) {
      const mem = new GuestMemory(mib);
      // A missing file loads as all zeros, just what this memory holds: nothing to persist until it changes.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') mem.savedAt = path;
      return mem;
    }
    const mem = new GuestMemory(mib, new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength >>> 2));
    if (buf.byteLength === mem.pages * 4) mem.savedAt = path;
    return mem;
  }

  /**
   * Writes the version table to `path` durably. Only written chunks are stored:
   * the rest of the file is a hole that reads as zeros, so the layout is the
   * plain table yet small on disk. Unchanged since last saved there: nothing to do.
   */
  persist(path: string): void {
    if (this.savedAt === path) return;
    makeDirDurably(dirname(path));
    replaceFile(path, (fd) => {
      // Each run of written chunks in one write: a guest's working set is one run, not a write a chunk.
      for (let i = 0; i < this.chunks.length; ) {
        const run: Uint32Array[] = [];
        for (let j = i; this.chunks[j]; j++) run.push(this.chunks[j]!.subarray(0, this.chunkLength(j)));
        if (run.length) writeAllv(fd, run, i * CHUNK * 4);
        i += run.length || 1;
      }
      ftruncateSync(fd, this.pages * 4);
    });
    this.savedAt = path;
  }

  static remove(path: string): void {
    removeFile(path);
  }

  run(): void {
    this.runningSince ??= Date.now();
  }

  stop(): void {
    this.advance();
    this.runningSince = null;
  }

  /** Applies the writes the guest made since last asked. */
  advance(): void {
    if (this.runningSince === null) return;
    const now = Date.now();
    const writes = Math.floor(((now - this.runningSince) / 1000) * this.dirtyRate);
    if (writes === 0) return;
    this.runningSince += (writes / this.dirtyRate) * 1000;
    for (let i = 0; i < writes; i++) {
      const pfn = this.random() % this.workingSet;
      this.setVersion(pfn, (this.version(pfn) + 1) >>> 0);
      this.dirty?.add(pfn);
    }
  }

  /** Starts (or restarts) dirty logging; returns the pages dirtied since the previous call, in order. */
  takeDirty(): Uint32Array {
    this.advance();
    const dirty = Uint32Array.from(this.dirty ?? []).sort();
    this.dirty = new Set();
    return dirty;
  }

  /** How many pages were dirtied since dirty logging last (re)started. */
  dirtyCount(): number {
    this.advance();
    return this.dirty?.size ?? 0;
  }

  stopDirtyLog(): void {
    this.dirty = null;
  }

  /** Whether the page holds anything but zeros. */
  written(pfn: number): boolean {
    return this.version(pfn) !== 0;
  }

  /** The bytes of one page, written into `out` at `offset`. */
  writePage(pfn: number, out: Buffer, offset: number): void {
    const version = this.version(pfn);
    if (version === 0) {
      out.fill(0, offset, offset + PAGE_SIZE);
      return;
    }
    out.writeUInt32BE(HEADER_MAGIC, offset);
    out.writeUInt32BE(pfn, offset + 4);
    out.writeUInt32BE(version, offset + 8);
    WORD.writeUInt32BE(fillWord(pfn, version));
    out.fill(WORD, offset + 12, offset + PAGE_SIZE);
  }

  /** Takes received pages, pfns[i] at data[offset + i × PAGE_SIZE], checking each as readPage does. */
  readPages(pfns: ArrayLike<number>, data: Buffer, offset: number): void {
    // Most of a guest's memory is zero pages: a run of them is checked with one comparison.
    if (pfns.length > 1 && isZero(data, offset, pfns.length * PAGE_SIZE)) {
      for (let i = 0; i < pfns.length; i++) this.takeZeroPage(pfns[i]!);
      return;
    }
    for (let i = 0; i < pfns.length; i++) this.readPage(pfns[i]!, data, offset + i * PAGE_SIZE);
  }

  /** Takes a received page, checking that its bytes are what that page holds. */
  readPage(pfn: number, data: Buffer, offset: number): void {
    const magic = data.readUInt32BE(offset);
    if (magic === 0 && isZero(data, offset, PAGE_SIZE)) return this.takeZeroPage(pfn);
    this.checkPfn(pfn);
    const version = data.readUInt32BE(offset + 8);
    const word = data.readUInt32BE(offset + 12);
    if (magic !== HEADER_MAGIC || data.readUInt32BE(offset + 4) !== pfn || word !== fillWord(pfn, version) || !repeatsWord(data, offset)) {
      throw new Error(`page ${pfn} is corrupt`);
    }
    this.setVersion(pfn, version);
  }

  /** SHA-256 of the whole version table (as persisted), identifying exactly what the memory holds. */
  checksum(): string {
    this.advance();
    if (this.digest) return this.digest;
    const hash = createHash('sha256');
    for (let i = 0; i < this.chunks.length; ) {
      const chunk = this.chunks[i];
      if (chunk) {
        hash.update(chunk.subarray(0, this.chunkLength(i)));
        i++;
        continue;
      }
      // A run of chunks never written: their zeros in one update.
      let end = i + 1;
      while (end < this.chunks.length && !this.chunks[end] && end - i < ZERO_RUN.length / CHUNK) end++;
      hash.update(ZERO_RUN.subarray(0, Math.min(end * CHUNK, this.pages) - i * CHUNK));
      i = end;
    }
    return (this.digest = hash.digest('hex'));
  }

  private takeZeroPage(pfn: number): void {
    this.checkPfn(pfn);
    this.setVersion(pfn, 0);
  }

  private checkPfn(pfn: number): void {
    if (pfn >= this.pages) throw new Error(`page ${pfn} beyond the domain's ${this.pages} pages`);
  }

  private version(pfn: number): number {
    return this.chunks[pfn >>> CHUNK_SHIFT]?.[pfn & (CHUNK - 1)] ?? 0;
  }

  private setVersion(pfn: number, version: number): void {
    const i = pfn >>> CHUNK_SHIFT;
    let chunk = this.chunks[i];
    if (!chunk) {
      if (version === 0) return;
      chunk = this.chunks[i] = new Uint32Array(CHUNK);
    }
    chunk[pfn & (CHUNK - 1)] = version;
    this.savedAt = null;
    this.digest = null;
  }

  /** Copies in a whole table, keeping only chunks with a written page. */
  private adopt(versions: Uint32Array): void {
    for (let i = 0; i < this.chunks.length; i++) {
      const part = versions.subarray(i * CHUNK, i * CHUNK + this.chunkLength(i));
      if (part.some((v) => v !== 0)) {
        const chunk = new Uint32Array(CHUNK);
        chunk.set(part);
        this.chunks[i] = chunk;
      }
    }
  }

  /** Pages in chunk i: CHUNK, less for the last one of a memory that does not fill it. */
  private chunkLength(i: number): number {
    return Math.min(CHUNK, this.pages - i * CHUNK);
  }

  /** Guests keep rewriting a hot tenth of the memory they have: that is what makes rounds converge. */
  private setWorkingSet(): void {
    this.workingSet = Math.max(1, Math.floor(this.populated / 10));
  }

  private random(): number {
    // xorshift32: cheap and reproducible
    let x = this.rngState;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rngState = x >>> 0;
    return this.rngState;
  }
}

/** Writes every byte of `parts` at `position` (a short write of a regular file is a full disk). */
function writeAllv(fd: number, parts: Uint32Array[], position: number): void {
  const length = parts.reduce((n, p) => n + p.byteLength, 0);
  if (writevSync(fd, parts, position) !== length) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

function fillWord(pfn: number, version: number): number {
  return (Math.imul(pfn ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(version, 0xc2b2ae35)) >>> 0;
}

/**
 * Whether data[offset, offset + length) is all zeros (length ≥ 8): its first 8 bytes are, and
 * each byte equals the one 8 before it. One memcmp of the run against itself reads it once,
 * where comparing with a buffer of zeros read it and the zeros.
 */
function isZero(data: Buffer, offset: number, length: number): boolean {
  return data.readUInt32LE(offset) === 0 && data.readUInt32LE(offset + 4) === 0 && data.compare(data, offset, offset + length - 8, offset + 8, offset + length) === 0;
}

/** The fill word of the page being written, so filling allocates nothing. */
const WORD = Buffer.alloc(4);

/**
 * Whether the page's word at 12 repeats to its end: each byte from 16 on equals the
 * one 4 before it. One memcmp of the page against itself (Buffer.compare), no copy.
 */
function repeatsWord(data: Buffer, offset: number): boolean {
  return data.compare(data, offset + 12, offset + PAGE_SIZE - 4, offset + 16, offset + PAGE_SIZE) === 0;
}
