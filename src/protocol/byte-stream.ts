import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { TLSSocket } from 'node:tls';

/** Somewhere bytes go, honouring back-pressure (a socket, a file). */
export interface ByteSink {
  write(data: Buffer): Promise<void>;
}

/** Somewhere exact numbers of bytes come from (a socket, a file). */
export interface ByteSource {
  /** Exactly `n` bytes; rejects if the stream ends first. */
  read(n: number): Promise<Buffer>;
  /**
   * The next `n` bytes, handed to `each` piece by piece as they arrive: views of
   * the stream's own chunks, so bulk data is never copied or gathered (a piece is
   * not to be kept past its call). Rejects if the stream ends first, or with what
   * `each` throws.
   */
  readPieces(n: number, each: (piece: Buffer) => void): Promise<void>;
  /** Whatever has arrived, once at least a byte has (for a stream of unknown length); null once it ended and all was read. */
  readSome(): Promise<Buffer | null>;
  /**
   * The connection itself, for a child process to read and write on its own descriptor
   * (the bytes then pass through no copy of xend's): only a plain socket with nothing read
   * ahead here nor waiting to be sent; otherwise undefined. Nothing more is read from it here.
   */
  handOver(): Socket | undefined;
}

export class TruncatedStreamError extends Error {}

export function sinkOf(stream: Writable): ByteSink {
  return {
    write: (data) =>
      new Promise((resolve, reject) => {
        if (stream.destroyed) return reject(new Error('connection closed'));
        let settled = false;
        const done = (err?: Error | null) => {
          if (settled) return;
          settled = true;
          stream.off('error', done);
          stream.off('close', onClose);
          stream.off('drain', onDrain);
          if (err) reject(err);
          else resolve();
        };
        // A stream destroyed while we wait for 'drain' never drains.
        const onClose = () => done(new Error('connection closed'));
        const onDrain = () => done();
        stream.once('error', done);
        stream.once('close', onClose);
        const ok = stream.write(data, (err) => {
          if (err) done(err);
          else if (ok) done();
        });
        if (!ok) stream.once('drain', onDrain);
      }),
  };
}

/** About the most a source buffers ahead of its reader. */
const HIGH_WATER = 8 << 20;

/** Reads exact-sized pieces from a stream that may deliver them in any chunking. */
export function sourceOf(stream: Readable): ByteSource {
  /** What arrived and is not read yet; reads drop it from the front, copying only what spans chunks. */
  const chunks: Buffer[] = [];
  let buffered = 0;
  let ended: Error | null = null;
  let waiter: (() => void) | null = null;
  /**
   * A readPieces waiting for more: each chunk goes to it from the stream's own event, as it
   * arrives (while the bytes are still in the CPU's cache, and with no promise per chunk).
   */
  let consumer: { left: number; each: (piece: Buffer) => void; resolve: () => void; reject: (err: unknown) => void } | null = null;
  const wake = () => {
    waiter?.();
    waiter = null;
  };
  /** Hands the consumer its share of `chunk`; returns the rest. */
  const feed = (chunk: Buffer): Buffer => {
    const c = consumer!;
    const k = Math.min(c.left, chunk.length);
    c.left -= k;
    try {
      c.each(k === chunk.length ? chunk : chunk.subarray(0, k));
    } catch (err) {
      consumer = null;
      c.reject(err);
      return chunk.subarray(k);
    }
    if (c.left === 0) {
      consumer = null;
      c.resolve();
    }
    return chunk.subarray(k);
  };
  const end = (err: Error) => {
    ended ??= err;
    const c = consumer;
    consumer = null;
    c?.reject(ended);
    wake();
  };
  const onData = (c: Buffer) => {
    if (consumer) c = feed(c);
    if (!c.length) return;
    chunks.push(c);
    buffered += c.length;
    // Hold back a fast sender while the reader catches up.
    if (buffered > HIGH_WATER) stream.pause();
    wake();
  };
  stream.on('data', onData);
  stream.on('end', () => end(new TruncatedStreamError('stream ended early')));
  stream.on('error', (err) => end(err));
  stream.on('close', () => end(new TruncatedStreamError('connection closed')));
  /** Until at least `n` bytes are buffered; what was buffered before the stream ended can still be read. */
  const fill = async (n: number) => {
    while (buffered < n) {
      if (ended) throw ended;
      stream.resume();
      await new Promise<void>((r) => (waiter = r));
    }
  };
  /** Drops the first `n` buffered bytes (all there), passing them to `each` as the chunks hold them. */
  const take = (n: number, each: (piece: Buffer) => void) => {
    while (n > 0) {
      const head = chunks[0]!;
      const piece = head.length > n ? head.subarray(0, n) : head;
      if (piece === head) chunks.shift();
      else chunks[0] = head.subarray(n);
      buffered -= piece.length;
      n -= piece.length;
      each(piece);
    }
    if (buffered < HIGH_WATER) stream.resume();
  };
  return {
    async read(n: number): Promise<Buffer> {
      await fill(n);
      const pieces: Buffer[] = [];
      take(n, (piece) => pieces.push(piece));
      // Within one chunk: a view of it; otherwise one copy of just these bytes.
      return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, n);
    },
    async readSome(): Promise<Buffer | null> {
      try {
        await fill(1);
      } catch (err) {
        if (err instanceof TruncatedStreamError) return null;
        throw err;
      }
      const pieces: Buffer[] = [];
      take(buffered, (piece) => pieces.push(piece));
      return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
    },
    handOver(): Socket | undefined {
      if (!(stream instanceof Socket) || stream instanceof TLSSocket || buffered || ended || consumer || stream.writableLength) return undefined;
      stream.off('data', onData);
      stream.pause();
      return stream;
    },
    async readPieces(n: number, each: (piece: Buffer) => void): Promise<void> {
      const now = Math.min(n, buffered);
      take(now, each);
      if (now === n) return;
      if (ended) throw ended;
      await new Promise<void>((resolve, reject) => {
        consumer = { left: n - now, each, resolve, reject };
        stream.resume();
      });
    },
  };
}
