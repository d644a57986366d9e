import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const PAGE_SIZE = 4096;
const HEADER_MAGIC = 0x58454e50; // "XENP"

/**
 * A simulated guest's RAM. Each page has a version (0 = never written, all
 * zeros); a page's bytes are a pure function of (pfn, version), carried in a
 * 16-byte header and a fill that a receiver can verify. So an image of any size
 * costs 4 bytes a page to keep, yet every byte moved by save or migration is real
 * and checked. A running guest dirties pages of its working set at a steady
 * rate; dirty logging records which pages changed since a round began.
 */
export class GuestMemory {
  readonly pages: number;
  private readonly versions: Uint32Array;
  private dirty: Set<number> | null = null;
  private runningSince: number | null = null;
  private rngState: number;
  private readonly workingSet: number;

  constructor(
    mib: number,
    versions?: Uint32Array,
    /** Pages per second a running guest writes. */
    private readonly dirtyRate = 2000,
  ) {
    this.pages = (mib * 1024 * 1024) / PAGE_SIZE;
    this.versions = versions && versions.length === this.pages ? versions : new Uint32Array(this.pages);
    this.rngState = (this.pages * 2654435761) >>> 0 || 1;
    // Guests keep rewriting a hot tenth of their memory: that is what makes rounds converge.
    this.workingSet = Math.max(1, Math.floor(this.pages / 10));
  }

  static load(path: string, mib: number): GuestMemory {
    try {
      const buf = readFileSync(path);
      return new GuestMemory(mib, new Uint32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4).slice());
    } catch {
      return new GuestMemory(mib);
    }
  }

  persist(path: string): void {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(`${path}.tmp`, Buffer.from(this.versions.buffer, this.versions.byteOffset, this.versions.byteLength));
    renameSync(`${path}.tmp`, path);
  }

  static remove(path: string): void {
    rmSync(path, { force: true });
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
      this.versions[pfn] = (this.versions[pfn]! + 1) >>> 0;
      this.dirty?.add(pfn);
    }
  }

  /** Starts (or restarts) dirty logging; returns the pages dirtied since the previous call. */
  takeDirty(): number[] {
    this.advance();
    const dirty = this.dirty ? [...this.dirty] : [];
    this.dirty = new Set();
    return dirty.sort((a, b) => a - b);
  }

  stopDirtyLog(): void {
    this.dirty = null;
  }

  /** The bytes of one page, written into `out` at `offset`. */
  writePage(pfn: number, out: Buffer, offset: number): void {
    const version = this.versions[pfn]!;
    if (version === 0) {
      out.fill(0, offset, offset + PAGE_SIZE);
      return;
    }
    out.writeUInt32BE(HEADER_MAGIC, offset);
    out.writeUInt32BE(pfn, offset + 4);
    out.writeUInt32BE(version, offset + 8);
    out.writeUInt32BE(fillWord(pfn, version), offset + 12);
    out.fill(out.subarray(offset + 12, offset + 16), offset + 16, offset + PAGE_SIZE);
  }

  /** Takes a received page, checking that its bytes are what that page holds. */
  readPage(pfn: number, data: Buffer, offset: number): void {
    if (pfn >= this.pages) throw new Error(`page ${pfn} beyond the domain's ${this.pages} pages`);
    const magic = data.readUInt32BE(offset);
    if (magic === 0 && isZero(data, offset)) {
      this.versions[pfn] = 0;
      return;
    }
    const version = data.readUInt32BE(offset + 8);
    const word = data.readUInt32BE(offset + 12);
    if (magic !== HEADER_MAGIC || data.readUInt32BE(offset + 4) !== pfn || word !== fillWord(pfn, version) || !isFill(data, offset, word)) {
      throw new Error(`page ${pfn} is corrupt`);
    }
    this.versions[pfn] = version;
  }

  /** SHA-256 of the whole memory, identifying exactly what it holds. */
  checksum(): string {
    this.advance();
    return createHash('sha256').update(new Uint8Array(this.versions.buffer, this.versions.byteOffset, this.versions.byteLength)).digest('hex');
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

function fillWord(pfn: number, version: number): number {
  return (Math.imul(pfn ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(version, 0xc2b2ae35)) >>> 0;
}

const ZERO_PAGE = Buffer.alloc(PAGE_SIZE);
const scratch = Buffer.alloc(PAGE_SIZE);

/** Byte comparisons go through Buffer.compare (memcmp): gigabytes are checked in well under a second. */
function isZero(data: Buffer, offset: number): boolean {
  return data.compare(ZERO_PAGE, 0, PAGE_SIZE, offset, offset + PAGE_SIZE) === 0;
}

function isFill(data: Buffer, offset: number, word: number): boolean {
  scratch.writeUInt32BE(word, 12);
  scratch.fill(scratch.subarray(12, 16), 16);
  return data.compare(scratch, 16, PAGE_SIZE, offset + 16, offset + PAGE_SIZE) === 0;
}
