import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { GuestMemory, PAGE_SIZE } from '../../src/hypervisor/sim/memory.js';
import { readImage, writeImage } from '../../src/hypervisor/sim/image.js';
import { DurableDir, makeDirDurably } from '../../src/store/durable.js';
import { sourceOf, TruncatedStreamError, type ByteSink, type ByteSource } from '../../src/protocol/byte-stream.js';

function withDir(fn: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-memory-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** A whole version table as the dense format stores it: versions[pfn] for every page. */
function table(mib: number, writes: Record<number, number>): Uint32Array {
  const versions = new Uint32Array((mib << 20) / PAGE_SIZE);
  for (const [pfn, v] of Object.entries(writes)) versions[Number(pfn)] = v;
  return versions;
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const bytesOf = (t: Uint32Array) => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);

/** An in-memory stream: what is written is read back through sourceOf, delivered in chunks of `chunk` bytes. */
function pipe(): { sink: ByteSink; source: (chunk?: number) => ByteSource; bytes: () => Buffer } {
  const parts: Buffer[] = [];
  const bytes = () => Buffer.concat(parts);
  return {
    // Copied: the writer may reuse its buffer once the write resolves.
    sink: { write: async (data) => void parts.push(Buffer.from(data)) },
    source: (chunk = 65536) => sourceOf(chunked(bytes(), chunk)),
    bytes,
  };
}

/** A stream of `data` in chunks of `size` bytes (the last one shorter). */
function chunked(data: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) chunks.push(data.subarray(at, at + size));
  return Readable.from(chunks);
}

test('a memory never written is all zero pages, and its checksum is that of an all-zero version table', () => {
  const mem = new GuestMemory(4);
  assert.equal(mem.pages, 1024);
  const page = Buffer.alloc(PAGE_SIZE, 0xff);
  mem.writePage(1023, page, 0);
  assert.ok(page.equals(Buffer.alloc(PAGE_SIZE)));
  assert.equal(mem.checksum(), sha256(new Uint8Array(1024 * 4)));
});

test('the checksum is the SHA-256 of the whole version table, written pages or not', () => {
  const versions = table(8, { 0: 1, 7: 3, 300: 9, 2047: 0xffffffff });
  assert.equal(new GuestMemory(8, versions).checksum(), sha256(bytesOf(versions)));
  // Long runs of chunks never written (more than one update's worth), between written ones.
  const sparse = table(100, { 0: 1, 20000: 2, 25599: 3 });
  const mem = new GuestMemory(100, sparse);
  assert.equal(mem.checksum(), sha256(bytesOf(sparse)));
  // Kept until a page changes.
  const page = Buffer.alloc(PAGE_SIZE);
  new GuestMemory(100, table(100, { 20000: 7 })).writePage(20000, page, 0);
  mem.readPage(20000, page, 0);
  sparse[20000] = 7;
  assert.equal(mem.checksum(), sha256(bytesOf(sparse)));
});

test('page bytes: a header and a repeated word that depend only on (pfn, version); any change is caught', () => {
  const versions = table(1, { 5: 2 });
  const src = new GuestMemory(1, versions);
  const page = Buffer.alloc(PAGE_SIZE + 8);
  src.writePage(5, page, 8);
  assert.equal(page.readUInt32BE(8), 0x58454e50);
  assert.equal(page.readUInt32BE(12), 5);
  assert.equal(page.readUInt32BE(16), 2);
  const word = page.readUInt32BE(20);
  for (let at = 24; at < PAGE_SIZE + 8; at += 4) assert.equal(page.readUInt32BE(at), word);

  const dst = new GuestMemory(1);
  dst.readPage(5, page, 8);
  assert.equal(dst.checksum(), src.checksum());
  for (const at of [8, 12, 16, 20, 24, PAGE_SIZE + 7]) {
    const bad = Buffer.from(page);
    bad[at]! ^= 1;
    assert.throws(() => new GuestMemory(1).readPage(5, bad, 8), /page 5 is corrupt/, `byte ${at}`);
  }
  const stray = Buffer.alloc(PAGE_SIZE);
  stray[PAGE_SIZE - 1] = 1;
  assert.throws(() => dst.readPage(6, stray, 0), /page 6 is corrupt/);
  assert.throws(() => dst.readPage(256, Buffer.alloc(PAGE_SIZE), 0), /beyond the domain's 256 pages/);
});

test('pages taken as a run: zero runs at once, a run with a written page page by page, every page checked', () => {
  const src = new GuestMemory(1, table(1, { 3: 4, 7: 1 }));
  const run = Buffer.alloc(8 * PAGE_SIZE);
  for (let pfn = 0; pfn < 8; pfn++) src.writePage(pfn, run, pfn * PAGE_SIZE);
  const dst = new GuestMemory(1, table(1, { 20: 2 }));
  dst.readPages([0, 1, 2, 3, 4, 5, 6, 7], run, 0);
  dst.readPages([20, 21], run, 0);
  assert.equal(dst.checksum(), src.checksum(), 'pages 20 and 21 made zero again');

  assert.throws(() => dst.readPages([0, 1, 2, 3], run, PAGE_SIZE), /page 2 is corrupt/, "page 3's bytes as page 2");
  assert.throws(() => dst.readPages([0, 1, 256], run, 0), /page 256 beyond the domain's 256 pages/, 'in a zero run');
  assert.throws(() => dst.readPages([256, 4], run, 3 * PAGE_SIZE), /page 256 beyond the domain's 256 pages/, 'with a written page');
});

test('a zero page received over a written one makes it unwritten again', () => {
  const mem = new GuestMemory(1, table(1, { 3: 4 }));
  mem.readPage(3, Buffer.alloc(PAGE_SIZE), 0);
  assert.equal(mem.checksum(), new GuestMemory(1).checksum());
});

test('one byte not zero, wherever it is in a run or a page, makes it no zero page', () => {
  const mem = new GuestMemory(1);
  for (const at of [0, 3, 4, 7, 8, 9, PAGE_SIZE - 9, PAGE_SIZE - 8, PAGE_SIZE - 1, PAGE_SIZE, 2 * PAGE_SIZE - 1]) {
    const run = Buffer.alloc(2 * PAGE_SIZE);
    run[at] = 0x80;
    const page = Math.floor(at / PAGE_SIZE);
    assert.throws(() => mem.readPages([0, 1], run, 0), new RegExp(`page ${page} is corrupt`), `byte ${at} of the run`);
    assert.throws(() => mem.readPage(5, run, page * PAGE_SIZE), /page 5 is corrupt/, `byte ${at % PAGE_SIZE} of a page`);
  }
  assert.equal(mem.checksum(), new GuestMemory(1).checksum(), 'nothing taken');
});

test(
  'persisted: the plain version table, with only written chunks stored (the rest a hole); loads back the same',
  withDir((dir) => {
    const path = join(dir, 'mem', '1.pages');
    // Runs of written chunks: pages 1 and 300 (chunks 0 and 1), 5000 alone, then the last one.
    const versions = table(64, { 1: 1, 300: 2, 5000: 3, 16383: 7 });
    const mem = new GuestMemory(64, versions);
    mem.persist(path);
    const file = readFileSync(path);
    assert.ok(file.equals(Buffer.from(bytesOf(versions))));
    assert.ok(statSync(path).blocks * 512 < file.length, 'untouched chunks take no space');
    assert.deepEqual(readdirSync(join(dir, 'mem')), ['1.pages'], 'no temp file left');
    assert.equal(GuestMemory.load(path, 64).checksum(), mem.checksum());
  }),
);

test(
  'a table written whole (as before chunks) loads; a missing or other-sized one loads as zeros',
  withDir((dir) => {
    const versions = table(2, { 0: 1, 511: 2 });
    writeFileSync(join(dir, 'dense'), bytesOf(versions));
    assert.equal(GuestMemory.load(join(dir, 'dense'), 2).checksum(), sha256(bytesOf(versions)));
    assert.equal(GuestMemory.load(join(dir, 'dense'), 4).checksum(), new GuestMemory(4).checksum());
    assert.equal(GuestMemory.load(join(dir, 'missing'), 2).checksum(), new GuestMemory(2).checksum());
  }),
);

test(
  'persisting again what the file already holds writes nothing; a change is written',
  withDir((dir) => {
    const path = join(dir, '1.pages');
    new GuestMemory(1, table(1, { 2: 1 })).persist(path);
    const mem = GuestMemory.load(path, 1);
    const inode = statSync(path).ino;
    mem.persist(path);
    assert.equal(statSync(path).ino, inode, 'not replaced');
    mem.readPage(2, Buffer.alloc(PAGE_SIZE), 0);
    mem.persist(path);
    assert.notEqual(statSync(path).ino, inode, 'replaced');
    assert.equal(GuestMemory.load(path, 1).checksum(), new GuestMemory(1).checksum());

    // Never written and never persisted: no file is needed to load it back.
    const fresh = GuestMemory.load(join(dir, '2.pages'), 1);
    fresh.persist(join(dir, '2.pages'));
    assert.equal(existsSync(join(dir, '2.pages')), false);
    GuestMemory.remove(path);
    GuestMemory.remove(path);
    assert.equal(existsSync(path), false);
  }),
);

test('a running guest dirties its working set; dirty logging returns each page once, in order', async () => {
  const mem = new GuestMemory(4, undefined, 200_000);
  assert.equal(mem.dirtyCount(), 0, 'not logging yet');
  mem.takeDirty();
  mem.run();
  await new Promise((r) => setTimeout(r, 20));
  mem.stop();
  const count = mem.dirtyCount();
  const dirty = mem.takeDirty();
  assert.equal(dirty.length, count);
  assert.ok(dirty.length > 0);
  assert.ok(dirty.every((pfn, i) => pfn < mem.pages / 10 && (i === 0 || pfn > dirty[i - 1]!)));
  assert.equal(mem.takeDirty().length, 0, 'nothing since');
  assert.notEqual(mem.checksum(), new GuestMemory(4).checksum());
});

for (const live of [false, true]) {
  test(`${live ? 'live' : 'non-live'} image: every page arrives checked and the memories end equal`, async () => {
    const src = new GuestMemory(8, table(8, { 0: 1, 300: 2, 2047: 3 }), 100_000);
    src.run();
    const { sink, source, bytes } = pipe();
    let suspended = false;
    const stats = await writeImage(src, sink, {
      live,
      suspend: async () => {
        src.stop();
        suspended = true;
      },
    });
    assert.ok(suspended);
    assert.equal(stats.checksum, src.checksum());
    assert.equal(stats.bytes, bytes().length);
    assert.ok(stats.pages >= src.pages);
    if (!live) assert.equal(stats.rounds, 1);
    // Pages whole within a chunk, and pages straddling two or more.
    for (const chunk of [1000, PAGE_SIZE, 4099, 65536, 1 << 20]) {
      const dst = new GuestMemory(8);
      await readImage(dst, source(chunk));
      assert.equal(dst.checksum(), src.checksum(), `chunks of ${chunk}`);
    }
  });
}

/** A non-live image of `src`, as writeImage sends it. */
async function imageOf(src: GuestMemory): Promise<Buffer> {
  const { sink, bytes } = pipe();
  await writeImage(src, sink, { live: false, suspend: async () => {} });
  return bytes();
}

/** Reads `image` into a fresh memory of `mib` through sourceOf, in chunks of 1000 bytes. */
function readBack(image: Buffer, mib: number): Promise<void> {
  return readImage(new GuestMemory(mib), sourceOf(chunked(image, 1000)));
}

test('the image on the wire: batches of 1024 pages ([n][n pfns][n pages]), then -1 and the checksum', async () => {
  // Page 1 is written and page 1025, in the same place of the next batch, is not: it goes as zeros.
  const src = new GuestMemory(5, table(5, { 1: 5, 1100: 3 }));
  const image = await imageOf(src);
  const batch = (n: number) => 4 + n * (4 + PAGE_SIZE);
  assert.equal(image.length, batch(1024) + batch(256) + 4 + 32);
  assert.equal(image.readInt32BE(0), 1024);
  assert.deepEqual([image.readUInt32BE(4), image.readUInt32BE(4 + 1023 * 4), image.readUInt32BE(batch(1024) + 4)], [0, 1023, 1024]);
  assert.equal(image.readUInt32BE(4 + 1024 * 4 + PAGE_SIZE + 8), 5, "page 1's version");
  const second = batch(1024) + 4 + 256 * 4;
  assert.equal(image.readInt32BE(batch(1024)), 256);
  assert.ok(image.subarray(second + PAGE_SIZE, second + 2 * PAGE_SIZE).equals(Buffer.alloc(PAGE_SIZE)), 'page 1025: zeros');
  assert.equal(image.readUInt32BE(second + 76 * PAGE_SIZE + 8), 3, "page 1100's version");
  assert.equal(image.readInt32BE(batch(1024) + batch(256)), -1);
  assert.equal(image.subarray(-32).toString('hex'), src.checksum());
});

test('an image as this backend wrote it before (batches of 256 pages) reads the same', async () => {
  const src = new GuestMemory(2, table(2, { 1: 5, 300: 2 }));
  const parts: Buffer[] = [];
  for (let first = 0; first < src.pages; first += 256) {
    const frame = Buffer.alloc(4 + 256 * (4 + PAGE_SIZE));
    frame.writeInt32BE(256, 0);
    for (let j = 0; j < 256; j++) {
      frame.writeUInt32BE(first + j, 4 + j * 4);
      src.writePage(first + j, frame, 4 + 256 * 4 + j * PAGE_SIZE);
    }
    parts.push(frame);
  }
  const end = Buffer.alloc(36);
  end.writeInt32BE(-1, 0);
  Buffer.from(src.checksum(), 'hex').copy(end, 4);
  const dst = new GuestMemory(2);
  await readImage(dst, sourceOf(chunked(Buffer.concat([...parts, end]), 1000)));
  assert.equal(dst.checksum(), src.checksum());
});

test('a guest ballooned down sends only the memory it has, not its maximum; it arrives whole', async () => {
  const src = new GuestMemory(4, table(4, { 1: 5, 600: 2 }));
  src.balloon(1);
  const image = await imageOf(src);
  assert.equal(image.length, 4 + 256 * (4 + PAGE_SIZE) + 4 + 32, 'one batch of its 256 pages');
  const dst = new GuestMemory(4);
  await readImage(dst, sourceOf(chunked(image, 1000)));
  assert.equal(dst.checksum(), src.checksum());
  assert.equal(dst.checksum(), new GuestMemory(4, table(4, { 1: 5 })).checksum(), 'the page beyond was given back');
});

test('ballooning down gives back the pages beyond the new size (zeros again, logged dirty) and keeps the working set within it', async () => {
  const mem = new GuestMemory(4, table(4, { 1: 1, 300: 2, 700: 3 }), 200_000);
  mem.takeDirty();
  mem.balloon(1);
  assert.equal(mem.populatedPages, 256);
  assert.deepEqual([...mem.takeDirty()], [300, 700]);
  mem.run();
  await new Promise((r) => setTimeout(r, 20));
  mem.stop();
  assert.ok(mem.takeDirty().every((pfn) => pfn < 256 / 10));
  mem.balloon(4);
  assert.equal(mem.populatedPages, 1024);
});

test('an image whose checksum does not match its pages is refused', async () => {
  const image = await imageOf(new GuestMemory(1, table(1, { 9: 9 })));
  image[image.length - 1]! ^= 1;
  await assert.rejects(readBack(image, 1), /memory checksum mismatch/);
});

test('a corrupt batch is refused: a bad page (in a chunk or straddling two), a bad count, a page beyond the memory', async () => {
  const image = await imageOf(new GuestMemory(1, table(1, { 9: 9, 200: 1 })));
  const pageAt = (j: number) => 4 + 256 * 4 + j * PAGE_SIZE;
  for (const [j, byte] of [[9, 100], [200, 20], [0, 3000]] as const) {
    const bad = Buffer.from(image);
    bad[pageAt(j) + byte]! ^= 1;
    await assert.rejects(readBack(bad, 1), new RegExp(`page ${j} is corrupt`));
  }
  for (const n of [4097, -2]) {
    const bad = Buffer.from(image);
    bad.writeInt32BE(n, 0);
    await assert.rejects(readBack(bad, 1), new RegExp(`corrupt image: batch of ${n} pages`));
  }
  const bad = Buffer.from(image);
  bad.writeUInt32BE(256, 4);
  await assert.rejects(readBack(bad, 1), /page 256 beyond the domain's 256 pages/);
});

test('an image cut short anywhere is a TruncatedStreamError', async () => {
  const image = await imageOf(new GuestMemory(1, table(1, { 9: 9 })));
  for (const end of [0, 2, 4 + 100, 4 + 256 * 4 + 9 * PAGE_SIZE + 50, image.length - 36, image.length - 1]) {
    await assert.rejects(readBack(image.subarray(0, end), 1), TruncatedStreamError, `cut at ${end}`);
  }
});

test(
  'DurableDir: records replaced whole, removed, quarantined; no temp files left',
  withDir((dir) => {
    const d = new DurableDir<{ n: number }>(join(dir, 'records'));
    d.write('a', { n: 1 });
    d.write('a', { n: 2 });
    d.write('b', { n: 3 });
    assert.deepEqual(d.read('a'), { n: 2 });
    assert.deepEqual(d.keys().sort(), ['a', 'b']);
    d.remove('b');
    d.remove('b');
    assert.equal(d.read('b'), undefined);
    d.quarantine('a');
    assert.deepEqual(readdirSync(d.dir), ['a.json.corrupt']);
  }),
);

test(
  'directories are made with their parents, and making them again is harmless',
  withDir((dir) => {
    makeDirDurably(join(dir, 'a', 'b', '.', 'c') + '/');
    makeDirDurably(join(dir, 'a', 'b', 'c'));
    assert.ok(statSync(join(dir, 'a', 'b', 'c')).isDirectory());
  }),
);
