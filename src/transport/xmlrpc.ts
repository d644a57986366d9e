import { readFileSync } from 'node:fs';
import type { IncomingMessage, RequestOptions } from 'node:http';
import { decodeResponse, encodeCall, pyStringUnescape, XmlRpcFault, type ListingRead, type XmlRpcValue } from '../protocol/xmlrpc/index.js';
import { XendFaultError, XendProtocolError, XendTimeoutError, XendUnreachableError } from './errors.js';
import { strerror } from '../strerror.js';
import type { ServerAddress } from './uri.js';
import type { CallOptions, Transport } from './types.js';
import type { Duplex } from 'node:stream';
import type { ConsoleOptions } from './console-stream.js';
import { rawPost, RawHttpError } from './raw-http.js';
import { formatListingKeys, LISTING_KEYS_HEADER } from '../protocol/listing-keys.js';

/** A client connects or gives up quickly, so nothing hangs on a wedged or absent xend. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Larger responses than this are refused rather than buffered (XML-RPC over a socket, TLS or ssh). */
export const MAX_RESPONSE_BYTES = 256 << 20;

/**
 * An XML-RPC request's headers after Host, in the order of xm's xmlrpclib (send_user_agent, then
 * send_content), and, for a listing of which only some children are read, which (listing-keys.ts).
 */
export function xmlrpcHeaders(body: Buffer, sxpKeys?: ReadonlySet<string>): Record<string, string | number> {
  const headers: Record<string, string | number> = { 'User-Agent': 'xm', 'Content-Type': 'text/xml', 'Content-Length': body.length };
  if (sxpKeys) headers[LISTING_KEYS_HEADER] = formatListingKeys(sxpKeys);
  return headers;
}

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

  async openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    const { openConsoleStream } = await import('./console-stream.js');
    return openConsoleStream(this.target(), this.tls, dom, opts);
  }

  async call(method: string, params: XmlRpcValue[], opts: CallOptions = {}): Promise<XmlRpcValue> {
    const body = Buffer.from(encodeCall(method, params), 'utf8');
    const target = this.target();
    const xml = this.tls ? await this.viaHttps(method, target, body, opts) : await this.viaNet(method, target, body, opts);
    return decodeReply(xml, opts);
  }

  private async viaNet(method: string, target: RequestOptions, body: Buffer, opts: CallOptions): Promise<Buffer> {
    let timer: NodeJS.Timeout | undefined;
    try {
      const res = await rawPost(
        target as { socketPath: string } | { host: string; port: number },
        '/RPC2',
        xmlrpcHeaders(body, opts.sxpKeys),
        body,
        {
          maxBytes: MAX_RESPONSE_BYTES,
          connectTimeoutMs: CONNECT_TIMEOUT_MS,
          onSocket: (s) => {
            if (opts.timeoutMs) timer = setTimeout(() => s.destroy(new XendTimeoutError(`${method} timed out`)), opts.timeoutMs).unref();
          },
        },
      );
      if (res.status !== 200) throw new XendProtocolError(res.status, res.statusText);
      return res.body;
    } catch (err) {
      if (err instanceof XendTimeoutError || err instanceof XendProtocolError) throw err;
      if (err instanceof RawHttpError && !err.code) throw new XendProtocolError(0, err.message);
      throw new XendUnreachableError(strerror(err as NodeJS.ErrnoException));
    } finally {
      clearTimeout(timer);
    }
  }

  private async viaHttps(method: string, target: RequestOptions, body: Buffer, opts: CallOptions): Promise<Buffer> {
    const request = (await import('node:https')).request;
    return new Promise<Buffer>((resolve, reject) => {
      const req = request(
        {
          ...target,
          method: 'POST',
          path: '/RPC2',
          headers: xmlrpcHeaders(body, opts.sxpKeys),
          agent: false,
          // Without a servername, Agent#addRequest calls net.isIP(host), whose first use
          // compiles the IPv6 regex (~3.5 ms); plain HTTP has no use for the name.
          ...(!this.tls && { servername: '' }),
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
  }

  close(): void {}
}

/** An XML-RPC reply (its bytes) as xm's ServerProxy saw it: a fault raised, a top-level string unescaped. */
export function decodeReply(xml: Buffer, { sxpKeys, eachItem }: ListingRead = {}): XmlRpcValue {
  try {
    const result = decodeResponse(xml, { sxpKeys, eachItem });
    // xend repr()-escaped every top-level string result; undo it as xm's conv_string did.
    return typeof result === 'string' ? pyStringUnescape(result) : result;
  } catch (err) {
    if (err instanceof XmlRpcFault) throw new XendFaultError(err.faultCode, err.faultString);
    throw new XendProtocolError(200, `invalid response: ${(err as Error).message}`);
  }
}

function collect(res: IncomingMessage, resolve: (body: Buffer) => void, reject: (e: Error) => void): void {
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
  res.on('end', () => resolve(Buffer.concat(chunks)));
  res.on('error', reject);
}
