import type { ChildProcessByStdio } from 'node:child_process';
import type { Duplex, Readable, Writable } from 'node:stream';
import { encodeCall, type XmlRpcValue } from '../protocol/xmlrpc/index.js';
import { CONSOLE_PROTOCOL } from '../protocol/console.js';
import type { ConsoleOptions } from './console-stream.js';
import { XendProtocolError, XendTimeoutError, XendUnreachableError } from './errors.js';
import { formatHead, statusLine } from '../protocol/http-head.js';
import { HttpMessageReader, HttpStreamError, type HttpMessage } from './http-stream.js';
import { decodeReply, MAX_RESPONSE_BYTES, xmlrpcHeaders } from './xmlrpc.js';
import type { SshAddress } from './uri.js';
import type { CallOptions, Transport } from './types.js';

type SshChild = ChildProcessByStdio<Writable, Readable, null>;

/** Larger replies than this are refused rather than buffered, as over a socket. */
const LIMITS = { maxHeadBytes: 64 << 10, maxBodyBytes: MAX_RESPONSE_BYTES };

/**
 * XML-RPC through `ssh [-l USER] [-p PORT] -- HOST xm serve`, as xm 4.4's
 * SSHTransport: one ssh for the calls of this client, one request at a time, each
 * answered by its reply on ssh's output. A call after ssh ended starts another.
 * ssh's own messages (host keys, passwords) reach the user's terminal.
 */
export class SshTransport implements Transport {
  private session: { child: SshChild; replies: ReplyQueue } | null = null;
  private turn: Promise<unknown> = Promise.resolve();

  constructor(private readonly address: SshAddress) {}

  /** ssh's arguments: every part of the URI was checked (uri.ts), and `--` ends ssh's options before the host. */
  sshArgs(): string[] {
    const a = this.address;
    return ['-T', ...(a.user ? ['-l', a.user] : []), ...(a.port ? ['-p', String(a.port)] : []), '--', a.host, 'xm', 'serve'];
  }

  call(method: string, params: XmlRpcValue[], opts: CallOptions = {}): Promise<XmlRpcValue> {
    const result = this.turn.then(() => this.exchange(method, params, opts));
    this.turn = result.catch(() => {});
    return result;
  }

  private async exchange(method: string, params: XmlRpcValue[], opts: CallOptions): Promise<XmlRpcValue> {
    const session = (this.session ??= await this.start());
    const body = Buffer.from(encodeCall(method, params), 'utf8');
    const head = formatHead(`POST /${this.address.path} HTTP/1.1`, [['Host', this.address.host], ...Object.entries(xmlrpcHeaders(body, opts.sxpKeys))]);
    let timer: NodeJS.Timeout | undefined;
    try {
      const reply = session.replies.next();
      session.child.stdin.write(Buffer.concat([Buffer.from(head, 'latin1'), body]));
      const timeout = new Promise<never>((_, reject) => {
        if (opts.timeoutMs) timer = setTimeout(() => reject(new XendTimeoutError(`${method} timed out`)), opts.timeoutMs);
      });
      const res = await Promise.race([reply, timeout]);
      const status = statusLine(res.startLine);
      if (!status) throw new XendProtocolError(-1, 'Invalid or missing HTTP status code');
      if (status.status !== 200) throw new XendProtocolError(status.status, status.reason);
      return decodeReply(res.body, opts);
    } catch (err) {
      // A reply still on its way would answer the next call: that one starts afresh.
      if (err instanceof XendTimeoutError && this.session === session) this.end();
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  private async start(): Promise<{ child: SshChild; replies: ReplyQueue }> {
    const child = await spawnSsh(this.sshArgs());
    const replies = new ReplyQueue(child, this.address.host);
    child.once('close', () => {
      if (this.session?.child === child) this.session = null;
    });
    return { child, replies };
  }

  private end(): void {
    const s = this.session;
    this.session = null;
    s?.child.stdin.end();
    s?.child.kill();
  }

  /** A console: an ssh of its own, its output the guest's once xend answered 101. */
  async openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    // Loaded only here: console-stream.ts brings node:http, which no other call needs.
    const { consolePath, consoleRefusal } = await import('./console-stream.js');
    const child = await spawnSsh(this.sshArgs());
    const replies = new ReplyQueue(child, this.address.host);
    child.stdin.write(formatHead(`GET ${consolePath(dom, opts)} HTTP/1.1`, [['Host', this.address.host], ['Connection', 'Upgrade'], ['Upgrade', CONSOLE_PROTOCOL]]));
    let res: HttpMessage;
    try {
      res = await replies.next();
    } catch (err) {
      child.kill();
      throw err;
    }
    const status = statusLine(res.startLine)?.status ?? 0;
    if (status !== 101) {
      child.stdin.end();
      throw consoleRefusal(dom, status, res.body.toString('utf8'));
    }
    const { Duplex } = await import('node:stream');
    const stream = Duplex.from({ readable: replies.detach(), writable: child.stdin });
    stream.once('close', () => child.kill());
    return stream;
  }

  close(): void {
    this.session?.child.stdin.end();
    this.session = null;
  }
}

/** Starts ssh with its input and output piped; a missing ssh is the caller's "cannot connect". */
async function spawnSsh(args: string[]): Promise<SshChild> {
  const { spawn } = await import('node:child_process');
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err: NodeJS.ErrnoException) => reject(new XendUnreachableError(err.code === 'ENOENT' ? 'ssh executable not found' : err.message)));
  });
  // A far end that went away shows as ssh's exit, not as a write error.
  child.stdin.on('error', () => {});
  return child;
}

/** The replies on ssh's output, handed to the calls waiting for them in order. */
class ReplyQueue {
  /** After a 101 the guest's console follows, not another reply. */
  private readonly reader = new HttpMessageReader(LIMITS, (m) => statusLine(m.startLine)?.status === 101);
  private readonly waiting: { resolve(m: HttpMessage): void; reject(e: Error): void }[] = [];
  private failure: Error | null = null;
  private readonly onData = (chunk: Buffer) => {
    let messages: HttpMessage[];
    try {
      messages = this.reader.push(chunk);
    } catch (err) {
      return this.fail(err instanceof HttpStreamError ? new XendProtocolError(-1, err.message) : (err as Error));
    }
    for (const m of messages) this.waiting.shift()?.resolve(m);
  };

  constructor(
    private readonly child: SshChild,
    host: string,
  ) {
    child.stdout.on('data', this.onData);
    child.once('close', (code, signal) => this.fail(new XendUnreachableError(`ssh to ${host} ended (${signal ?? `exit status ${code}`})`)));
  }

  next(): Promise<HttpMessage> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** ssh's output from here on as a plain stream, what came after the last reply first. */
  detach(): Readable {
    this.child.stdout.off('data', this.onData);
    const rest = this.reader.takeRest();
    if (rest.length) this.child.stdout.unshift(rest);
    return this.child.stdout;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const w of this.waiting.splice(0)) w.reject(err);
  }
}
