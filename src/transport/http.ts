import type { Agent } from 'undici';
import { parseFirst, show } from '../sxp/index.js';
import { sxpToStruct, SXP_ERROR } from '../protocol/http-ops.js';
import { isSxpParam, methodByName, type HttpBinding } from '../protocol/methods.js';
import { XendFaultError, XendProtocolError, XendTimeoutError, XendUnreachableError } from './errors.js';
import { strerror } from '../strerror.js';
import { eachItemOf, type XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { Sxp } from '../sxp/types.js';
import type { ServerAddress } from './uri.js';
import type { CallOptions, Transport } from './types.js';
import type { Duplex } from 'node:stream';
import type { ConsoleOptions } from './console-stream.js';

const CONNECT_TIMEOUT_MS = 5_000;

type Http = { method: 'GET' | 'POST'; path: string; form?: Record<string, string>; reply: HttpBinding['reply'] };

/**
 * xend's legacy HTTP API (`/xend/…`, SXP bodies) behind the same call interface
 * as XML-RPC: each method becomes the request SrvDomain/SrvNode answered, and
 * the replies are turned back into what the XML-RPC method would have returned.
 */
export class HttpTransport implements Transport {
  private dispatcher: Agent | undefined;
  private readonly origin: string;

  constructor(private readonly address: Extract<ServerAddress, { protocol: 'http' }>) {
    this.origin = 'host' in address ? `http://${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}` : 'http://localhost';
  }

  async call(method: string, params: XmlRpcValue[], opts: CallOptions = {}): Promise<XmlRpcValue> {
    const req = toRequest(method, params);
    const res = await this.send(req, opts.timeoutMs);
    if (res.status === 404 && req.path.startsWith('/xend/domain/')) {
      throw new XendFaultError(3, String(params[0]));
    }
    if (res.status === 500 && res.type === 'application/sxp') {
      const err = parseFirst(res.body);
      throw new XendFaultError(2, Array.isArray(err) && err[0] === SXP_ERROR ? String(err[1]) : res.body);
    }
    if (res.status >= 400) throw new XendFaultError(1, res.body.trim() || `HTTP ${res.status}`);
    const { reply } = req;
    if (reply === 'text') return res.body;
    // xend answered None with no body (202 for the ops it ran in the background; 204 from older servers of this suite).
    if (reply === 'none' || res.status === 202 || res.status === 204 || res.body === '') return null;
    if (res.type !== 'application/sxp') return res.body;
    return eachItemOf(fromSxp(reply, parseFirst(res.body)), opts);
  }

  async openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    const { openConsoleStream } = await import('./console-stream.js');
    const a = this.address;
    return openConsoleStream('socketPath' in a ? { socketPath: a.socketPath } : { host: a.host, port: a.port }, false, dom, opts);
  }

  close(): void {
    void this.dispatcher?.close();
  }

  private async send(req: Http, timeoutMs?: number): Promise<{ status: number; type: string; body: string }> {
    // undici is loaded only when this transport is used: it costs ~80 ms of startup.
    const mod = await import('undici');
    // Bundled CommonJS: the named exports hang off the default export.
    const { Agent, request } = ((mod as unknown as { default?: typeof mod }).default ?? mod) as typeof mod;
    const socketPath = 'socketPath' in this.address ? this.address.socketPath : undefined;
    this.dispatcher ??= new Agent({ connect: { timeout: CONNECT_TIMEOUT_MS, ...(socketPath && { socketPath }) } });
    try {
      const body = req.form ? new URLSearchParams(req.form).toString() : undefined;
      const res = await request(`${this.origin}${req.path}`, {
        method: req.method,
        dispatcher: this.dispatcher,
        headers: { accept: 'application/sxp', ...(body && { 'content-type': 'application/x-www-form-urlencoded' }) },
        ...(body && { body }),
        ...(timeoutMs && { headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
      });
      return { status: res.statusCode, type: String(res.headers['content-type'] ?? ''), body: await res.body.text() };
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { code?: string };
      if (e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') throw new XendTimeoutError(`${req.path} timed out`);
      if (e.code === 'UND_ERR_CONNECT_TIMEOUT') throw new XendUnreachableError('Connection timed out');
      if (e.code?.startsWith('UND_ERR')) throw new XendProtocolError(0, e.message);
      throw new XendUnreachableError(strerror(e));
    }
  }
}

/** The request SrvDomainDir, SrvDomain or SrvNode answered for the method, from the contract. */
function toRequest(method: string, p: XmlRpcValue[]): Http {
  const spec = methodByName.get(method);
  const http = spec?.http;
  if (!http) throw new XendFaultError(1, `method "${method}" is not supported over the legacy HTTP API`);
  const path = `/xend/${http.path.replace('<dom>', () => encodeURIComponent(String(p[0] ?? '')))}`;
  const fields = new URLSearchParams(http.op && { op: http.op });
  for (const f of http.fields) {
    const i = spec.params.findIndex((x) => x.name === f);
    const v = p[i];
    // Absent and None arguments are left out, so the server applies its defaults.
    if (v !== undefined && v !== null) fields.set(f, isSxpParam(spec.params[i]!) ? show(v as Sxp) : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  if (http.verb === 'POST') return { method: 'POST', path, form: Object.fromEntries(fields), reply: http.reply };
  return { method: 'GET', path: fields.size ? `${path}?${fields}` : path, reply: http.reply };
}

/** The XML-RPC shape of an HTTP reply: `(node (k v)…)` becomes `[[k, v]…]`. */
function fromSxp(reply: HttpBinding['reply'], value: Sxp): XmlRpcValue {
  if (reply === 'node' && Array.isArray(value)) return value.slice(1) as XmlRpcValue;
  if (reply === 'struct') return sxpToStruct(value) as XmlRpcValue;
  return value as XmlRpcValue;
}
