/**
 * HTTP/1.1 messages one after another on a byte stream (xm serve's standard input,
 * ssh's standard output): each a start line, headers and a Content-Length body.
 * Lines may end in LF alone, as xm 4.4's SSHTransport wrote them. Bounded: a head
 * or body beyond its limit is an error, never buffered.
 */
export interface HttpMessage {
  /** `POST /RPC2 HTTP/1.1` or `HTTP/1.1 200 OK`. */
  startLine: string;
  /** Names lower-cased, in their order. */
  headers: [string, string][];
  body: Buffer;
}

export class HttpStreamError extends Error {}

export const header = (m: HttpMessage, name: string): string | undefined => m.headers.find(([k]) => k === name)?.[1];

export class HttpMessageReader {
  private buffer: Buffer = Buffer.alloc(0);
  private head: { startLine: string; headers: [string, string][]; length: number } | null = null;

  /** Set once `isLast` said a message was the last: what follows is a raw stream (an upgrade), kept for takeRest. */
  private stopped = false;

  constructor(
    private readonly limits: { maxHeadBytes: number; maxBodyBytes: number },
    private readonly isLast: (m: HttpMessage) => boolean = () => false,
  ) {}

  /** Takes the next bytes; returns the messages they complete. */
  push(chunk: Buffer): HttpMessage[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const done: HttpMessage[] = [];
    for (let m = this.stopped ? null : this.next(); m; m = this.stopped ? null : this.next()) {
      done.push(m);
      this.stopped = this.isLast(m);
    }
    return done;
  }

  /** What arrived after the last message (the first bytes of an upgraded stream). */
  takeRest(): Buffer {
    const rest = this.buffer;
    this.buffer = Buffer.alloc(0);
    return rest;
  }

  private next(): HttpMessage | null {
    if (!this.head) {
      // Blank lines between messages (a CRLF some clients send after a body) are no message.
      let skip = 0;
      while (this.buffer[skip] === 0x0a || (this.buffer[skip] === 0x0d && this.buffer[skip + 1] === 0x0a)) skip += this.buffer[skip] === 0x0a ? 1 : 2;
      this.buffer = this.buffer.subarray(skip);
      const end = headEnd(this.buffer);
      if (!end) {
        if (this.buffer.length > this.limits.maxHeadBytes) throw new HttpStreamError('message head too large');
        return null;
      }
      if (end.at > this.limits.maxHeadBytes) throw new HttpStreamError('message head too large');
      const [startLine, ...lines] = this.buffer.toString('latin1', 0, end.at).split(/\r?\n/);
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':');
        if (colon <= 0) throw new HttpStreamError(`bad header line: ${JSON.stringify(line.slice(0, 40))}`);
        return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
      });
      if (headers.some(([k, v]) => k === 'transfer-encoding' && v.toLowerCase() !== 'identity')) throw new HttpStreamError('chunked bodies are not supported');
      const declared = headers.find(([k]) => k === 'content-length')?.[1] ?? '0';
      if (!/^\d{1,12}$/.test(declared)) throw new HttpStreamError(`bad Content-Length: ${JSON.stringify(declared.slice(0, 20))}`);
      const length = Number(declared);
      if (length > this.limits.maxBodyBytes) throw new HttpStreamError('message body too large');
      this.head = { startLine: startLine!, headers, length };
      this.buffer = this.buffer.subarray(end.at + end.size);
    }
    if (this.buffer.length < this.head.length) return null;
    const { startLine, headers, length } = this.head;
    const message = { startLine, headers, body: Buffer.from(this.buffer.subarray(0, length)) };
    this.buffer = this.buffer.subarray(length);
    this.head = null;
    return message;
  }
}

/** Where the head ends: the first empty line, CRLF or LF. */
function headEnd(b: Buffer): { at: number; size: number } | null {
  for (let i = b.indexOf(0x0a); i >= 0; i = b.indexOf(0x0a, i + 1)) {
    if (b[i + 1] === 0x0a) return { at: i, size: 2 };
    if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) return { at: i - (b[i - 1] === 0x0d ? 1 : 0), size: b[i - 1] === 0x0d ? 4 : 3 };
  }
  return null;
}
