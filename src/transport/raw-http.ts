import { connect, type Socket } from 'node:net';
import { formatHead, statusLine } from '../protocol/http-head.js';

export interface RawResponse {
  status: number;
  statusText: string;
  body: Buffer;
}

export class RawHttpError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** What one read of the socket takes at most: net's own size. */
const READ_SIZE = 64 * 1024;
/** How long a connection whose reply is read stays open before it is closed. */
const LINGER_MS = 1000;

/**
 * One HTTP/1.1 POST over a fresh node:net connection (Unix socket or TCP), with
 * `Connection: close`. Enough HTTP for an XML-RPC call and nothing more, so xm's
 * hot path does not load node:http (its modules, the llhttp parser and the agent
 * machinery cost ~6-9 ms of a ~25 ms budget). Reads a Content-Length, chunked or
 * close-delimited body, bounded by maxBytes.
 */
export function rawPost(
  target: { socketPath: string } | { host: string; port: number },
  path: string,
  headers: Record<string, string | number>,
  body: Buffer,
  opts: { maxBytes: number; connectTimeoutMs: number; onSocket?: (s: Socket) => void },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Reads land in one buffer of ours until the head is read, then, for a body of known length,
    // straight into the reply where they belong: a large reply costs no buffer per read, no copy
    // of each read nor a concatenation after.
    const readBuffer = Buffer.allocUnsafe(READ_SIZE);
    /** A reply's body of known length, filled as it arrives. */
    let reply: Buffer | null = null;
    let filled = 0;
    const onread = {
      buffer: () => (reply && filled < reply.length ? reply.subarray(filled) : readBuffer),
      callback: (n: number, into: Uint8Array) => {
        if (into === readBuffer) received(readBuffer.subarray(0, n));
        else replied(n);
        return true;
      },
    };
    const socket = 'socketPath' in target ? connect({ path: target.socketPath, onread }) : connect({ host: target.host, port: target.port, onread });
    opts.onSocket?.(socket);
    const host = 'socketPath' in target ? 'localhost' : target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`;
    const timer = setTimeout(() => socket.destroy(new RawHttpError('Connection timed out', 'ETIMEDOUT')), opts.connectTimeoutMs);
    socket.once('connect', () => clearTimeout(timer));
    // One write: head and body written apart leave in two packets, the second only once the
    // first is out (`xm list` waited ~1 ms for it). No end(): a half-closed request makes node's
    // http server abort the call in flight (a migrate or shutdown --wait); `Connection: close`
    // ends the exchange instead.
    const head = formatHead(`POST ${path} HTTP/1.1`, [['Host', host], ['Connection', 'close'], ...Object.entries(headers)]);
    socket.write(Buffer.concat([Buffer.from(head), body]));

    /** Until the head is read, and for a body of unknown length: copies of what arrived. */
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    let parsed: { status: number; statusText: string; bodyStart: number; length: number | null; chunked: boolean } | null = null;
    const finish = (err: Error | null, res?: RawResponse) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) {
        socket.destroy();
        return reject(err);
      }
      // Closed a little later, not now: Node's Socket destroy compares the socket with
      // process.stderr, which builds that stream (a terminal's costs `xm list` ~5 ms), and a
      // one-shot xm has printed its reply and exited by then. Meanwhile it is not read (so the
      // server's close does not destroy it either) and keeps no process alive.
      socket.pause();
      socket.unref();
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
      resolve(res!);
    };
    const tryParse = (atEnd: boolean) => {
      if (reply) {
        if (filled === reply.length) finish(null, { status: parsed!.status, statusText: parsed!.statusText, body: reply });
        else if (atEnd) finish(new RawHttpError('connection closed inside the response body'));
        return;
      }
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      chunks.length = 0;
      chunks.push(all);
      if (!parsed) {
        const end = all.indexOf(CRLFCRLF);
        if (end < 0) {
          if (atEnd) finish(new RawHttpError('connection closed before a response'));
          return;
        }
        const lines = all.toString('latin1', 0, end).split('\r\n');
        const status = statusLine(lines[0]!);
        if (!status) return finish(new RawHttpError(`not an HTTP response: ${JSON.stringify(lines[0]!.slice(0, 40))}`));
        let length: number | null = null;
        let chunked = false;
        for (const line of lines.slice(1)) {
          const colon = line.indexOf(':');
          const name = line.slice(0, colon).trim().toLowerCase();
          const value = line.slice(colon + 1).trim();
          if (name === 'content-length') {
            if (!/^\d{1,15}$/.test(value)) return finish(new RawHttpError(`invalid Content-Length: ${JSON.stringify(value.slice(0, 40))}`));
            length = Number(value);
          } else if (name === 'transfer-encoding') chunked = /chunked/i.test(value);
        }
        parsed = { status: status.status, statusText: status.reason, bodyStart: end + 4, length: chunked ? null : length, chunked };
      }
      const p = parsed;
      if (p.length !== null) {
        if (p.length > opts.maxBytes) return finish(new RawHttpError('response too large'));
        reply = Buffer.allocUnsafe(p.length);
        filled = all.copy(reply, 0, p.bodyStart, p.bodyStart + p.length);
        chunks.length = 0;
        return tryParse(atEnd);
      }
      if (!atEnd) return;
      if (!p.chunked) return finish(null, { status: p.status, statusText: p.statusText, body: all.subarray(p.bodyStart) });
      const out: Buffer[] = [];
      let pos = p.bodyStart;
      for (;;) {
        const eol = all.indexOf('\r\n', pos);
        if (eol < 0) return finish(new RawHttpError('truncated chunked body'));
        const n = parseInt(all.toString('latin1', pos, eol), 16);
        if (!Number.isFinite(n)) return finish(new RawHttpError('bad chunk size'));
        if (n === 0) break;
        out.push(all.subarray(eol + 2, eol + 2 + n));
        pos = eol + 2 + n + 2;
      }
      finish(null, { status: p.status, statusText: p.statusText, body: Buffer.concat(out) });
    };
    /** `n` bytes read into the reply itself. */
    const replied = (n: number): void => {
      if (done) return;
      filled += n;
      if (filled === reply!.length) tryParse(false);
    };
    const received = (c: Buffer): void => {
      if (done) return;
      size += c.length;
      if (size > opts.maxBytes) return finish(new RawHttpError('response too large'));
      if (reply) {
        filled += c.copy(reply, filled);
        if (filled === reply.length) tryParse(false);
        return;
      }
      chunks.push(Buffer.from(c)); // a copy: the read buffer is used again
      if (!parsed) tryParse(false);
    };
    socket.on('end', () => tryParse(true));
    socket.on('error', (err) => finish(err));
    socket.on('close', () => {
      if (!done) tryParse(true);
    });
  });
}
