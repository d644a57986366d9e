import type { Readable, Writable } from 'node:stream';

/** Somewhere bytes go, honouring back-pressure (a socket, a file). */
export interface ByteSink {
  write(data: Buffer): Promise<void>;
}

/** Somewhere exact numbers of bytes come from (a socket, a file). */
export interface ByteSource {
  /** Exactly `n` bytes; rejects if the stream ends first. */
  read(n: number): Promise<Buffer>;
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

/** Reads exact-sized pieces from a stream that may deliver them in any chunking. */
export function sourceOf(stream: Readable): ByteSource {
  const chunks: Buffer[] = [];
  let buffered = 0;
  let ended: Error | null = null;
  let waiter: (() => void) | null = null;
  const wake = () => {
    waiter?.();
    waiter = null;
  };
  stream.on('data', (c: Buffer) => {
    chunks.push(c);
    buffered += c.length;
    // Hold back a fast sender while the reader catches up.
    if (buffered > 8 << 20) stream.pause();
    wake();
  });
  stream.on('end', () => {
    ended ??= new TruncatedStreamError('stream ended early');
    wake();
  });
  stream.on('error', (err) => {
    ended ??= err;
    wake();
  });
  stream.on('close', () => {
    ended ??= new TruncatedStreamError('connection closed');
    wake();
  });
  return {
    async read(n: number): Promise<Buffer> {
      while (buffered < n) {
        if (ended) throw ended;
        stream.resume();
        await new Promise<void>((r) => (waiter = r));
      }
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      const out = all.subarray(0, n);
      const rest = all.subarray(n);
      chunks.length = 0;
      if (rest.length) chunks.push(rest);
      buffered = rest.length;
      if (buffered < 8 << 20) stream.resume();
      return out;
    },
  };
}
