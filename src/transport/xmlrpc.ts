import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { decodeResponse, encodeCall, pyStringUnescape, XmlRpcFault, type XmlRpcValue } from '../protocol/xmlrpc/index.js';
import { XendFaultError, XendProtocolError, XendTimeoutError, XendUnreachableError, strerror } from '../client/errors.js';
import type { ServerAddress } from './uri.js';
import type { Transport } from './types.js';
import type { Duplex } from 'node:stream';
import { openConsoleStream, type ConsoleOptions } from './console-stream.js';

/** A client connects or gives up quickly, so nothing hangs on a wedged or absent xend. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Larger responses than this are refused rather than buffered. */
const MAX_RESPONSE_BYTES = 256 << 20;

/**
 * XML-RPC over HTTP/1.1 on a Unix socket or TCP (optionally TLS), like xm's
 * ServerProxy: POST to /RPC2, faults turned into XendFaultError.
 */
export class XmlRpcTransport implements Transport {
  constructor(
    private readonly address: Extract<ServerAddress, { protocol: 'xmlrpc' }>,
    /** A CA file to trust for https:// besides the system's (XM_TLS_CA). */
    private readonly caFile?: string,
  ) {}

  private get tls(): boolean {
    return 'tls' in this.address && this.address.tls;
  }

  private target(): RequestOptions {
    const a = this.address;
    const target: RequestOptions = 'socketPath' in a ? { socketPath: a.socketPath } : { host: a.host, port: a.port };
    if (this.tls && this.caFile) Object.assign(target, { ca: readFileSync(this.caFile) });
    return target;
  }

  openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    return openConsoleStream(this.target(), this.tls, dom, opts);
  }

  async call(method: string, params: XmlRpcValue[], opts: { timeoutMs?: number } = {}): Promise<XmlRpcValue> {
    const body = Buffer.from(encodeCall(method, params), 'utf8');
    const target = this.target();
    const request = this.tls ? (await import('node:https')).request : httpRequest;
    const xml = await new Promise<string>((resolve, reject) => {
      const req = request(
        {
          ...target,
          method: 'POST',
          path: '/RPC2',
          headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length, 'User-Agent': 'xm' },
          agent: false,
        },
        (res) => collect(res, resolve, reject),
      );
      const connectTimer = setTimeout(
        () => req.destroy(Object.assign(new Error('Connection timed out'), { code: 'ETIMEDOUT' })),
        CONNECT_TIMEOUT_MS,
      );
      req.on('socket', (s) => s.once(s.connecting ? 'connect' : 'ready', () => clearTimeout(connectTimer)));
      if (opts.timeoutMs) {
        setTimeout(() => req.destroy(new XendTimeoutError(`${method} timed out`)), opts.timeoutMs).unref();
      }
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(connectTimer);
        reject(err instanceof XendTimeoutError || err instanceof XendProtocolError ? err : new XendUnreachableError(strerror(err)));
      });
      req.end(body);
    });
    try {
      const result = decodeResponse(xml);
      // xend repr()-escaped every top-level string result; undo it as xm's conv_string did.
      return typeof result === 'string' ? pyStringUnescape(result) : result;
    } catch (err) {
      if (err instanceof XmlRpcFault) throw new XendFaultError(err.faultCode, err.faultString);
      throw new XendProtocolError(200, `invalid response: ${(err as Error).message}`);
    }
  }

  close(): void {}
}

function collect(res: IncomingMessage, resolve: (s: string) => void, reject: (e: Error) => void): void {
  if (res.statusCode !== 200) {
    res.resume();
    reject(new XendProtocolError(res.statusCode ?? 0, res.statusMessage ?? ''));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_RESPONSE_BYTES) res.destroy(new XendProtocolError(200, 'response too large'));
    else chunks.push(c);
  });
  res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  res.on('error', reject);
}
