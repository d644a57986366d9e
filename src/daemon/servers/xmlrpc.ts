import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { decodeRepeatedCall, encodeFault, encodeResponse, encodeResponseParts, keepResponse, keptOf, keptResponse, pyReprEscape, trimmedList, type XmlRpcValue } from '../../protocol/xmlrpc/index.js';
import { LISTING_KEYS_HEADER, parseListingKeys } from '../../protocol/listing-keys.js';
import { faultOf } from '../../protocol/faults.js';
import { readBody } from './body.js';
import { partsLength, ReplyBuffers } from './reply-buffers.js';
import type { Method } from '../methods.js';

export interface XmlRpcServerOptions {
  methods: Map<string, Method>;
  /** Largest request body accepted; xend had none, we refuse past it with 413. */
  maxRequestBytes: number;
  /** Called for every request when `xend trace_start` asked for a trace. */
  trace?: (line: string) => void;
}

/**
 * xend's legacy XML-RPC server (XMLRPCServer.py): any path, POST only, faults in
 * a 200 response, top-level string results Python-escaped, unknown methods answered
 * with the Xen-API failure struct rather than a fault. Only a wire adapter: every
 * method is a call on the domain and node services.
 */
export function xmlRpcHandler(opts: XmlRpcServerOptions): RequestListener {
  // A Map, not an object: a method named `constructor` or `toString` must be unknown, not Object's.
  const introspection: Map<string, Method> = new Map<string, Method>([
    ['system.listMethods', (): string[] => [...opts.methods.keys(), ...introspection.keys()].sort()],
    ['system.methodHelp', () => ''],
    ['system.methodSignature', () => 'signatures not supported'],
  ]);
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') return reply(res, 501, 'text/plain', `Unsupported method (${String(req.method)})\n`);
    let body: Buffer;
    try {
      body = await readBody(req, opts.maxRequestBytes);
    } catch {
      return reply(res, 413, 'text/plain', 'Request entity too large\n');
    }
    let xml: Reply;
    const started = opts.trace && process.hrtime.bigint();
    let method = '?';
    try {
      const call = decodeRepeatedCall(body, opts.maxRequestBytes);
      method = call.method;
      const fn = opts.methods.get(call.method) ?? introspection.get(call.method);
      // A listing's records trimmed to what the client said it reads.
      const keys = parseListingKeys(req.headers[LISTING_KEYS_HEADER] as string | undefined);
      xml = fn
        ? encodeResult(trimmedList(toWire(await fn(...call.params)), keys))
        : encodeResponse({ Status: 'Failure', ErrorDescription: ['MESSAGE_METHOD_UNKNOWN', call.method] });
    } catch (err) {
      const f = faultOf(err);
      xml = encodeFault(f.faultCode, f.faultString);
    }
    if (started) opts.trace!(`${method} ${Number(process.hrtime.bigint() - started) / 1e6}ms`);
    reply(res, 200, 'text/xml', xml);
  }
  return (req, res) => void handle(req, res);
}

/** A reply document: text, pieces to join, or bytes kept for many replies. */
type Reply = string | (string | Buffer)[] | Buffer;

/** Shared by every XML-RPC server of the process: one at a time writes into each. */
const buffers = new ReplyBuffers();

/** The largest response kept with its listing: as large as a buffer ReplyBuffers keeps (a listing of ~1,200 domains). */
const KEPT_RESPONSE_BYTES = 4 << 20;

/**
 * A kept listing's response is encoded once and written as its bytes while the listing
 * stays the same (a larger one is joined anew each time: its bytes are not held). The
 * bytes are the reply buffers' memory, held by the listing until the record cache
 * retires it for a new one: each new listing (Domain-0's CPU time moves on) would
 * otherwise fault in fresh pages.
 */
function encodeResult(result: XmlRpcValue): Reply {
  const kept = keptResponse(result);
  if (kept) return kept;
  const parts = encodeResponseParts(result);
  if (!keptOf(result)) return parts;
  const size = partsLength(parts);
  if (size > KEPT_RESPONSE_BYTES) return parts;
  const bytes = buffers.join(parts, size);
  if (keepResponse(result, bytes, () => buffers.release(bytes))) return bytes;
  buffers.release(bytes); // retired meanwhile: written this once, as any reply
  return parts;
}

/** None travels as <nil/>; a str result is repr()-escaped as xend's server did. */
function toWire(result: unknown): XmlRpcValue {
  if (result === undefined) return null;
  if (typeof result === 'string') return pyReprEscape(result);
  return result as XmlRpcValue;
}

function reply(res: ServerResponse, status: number, type: string, body: Reply): void {
  if (typeof body === 'string') return send(res, status, type, Buffer.from(body, 'utf8'));
  // A kept response is held while it is written: its listing may be retired meanwhile.
  const buf = Buffer.isBuffer(body) ? (buffers.hold(body), body) : buffers.join(body);
  send(res, status, type, buf, () => buffers.release(buf));
}

function send(res: ServerResponse, status: number, type: string, buf: Buffer, written?: () => void): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': buf.length });
  res.end(buf, written);
}
