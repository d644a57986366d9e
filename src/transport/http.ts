import type { Agent } from 'undici';
import { parseFirst, show } from '../sxp/index.js';
import { opByMethod, sxpToStruct } from '../protocol/http-ops.js';
import { XendFaultError, XendProtocolError, XendTimeoutError, XendUnreachableError, strerror } from '../client/errors.js';
import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { Sxp } from '../sxp/types.js';
import type { ServerAddress } from './uri.js';
import type { Transport } from './types.js';
import type { Duplex } from 'node:stream';
import type { ConsoleOptions } from './console-stream.js';

const CONNECT_TIMEOUT_MS = 5_000;

type Http = { method: 'GET' | 'POST'; path: string; form?: Record<string, string> };

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

  async call(method: string, params: XmlRpcValue[], opts: { timeoutMs?: number } = {}): Promise<XmlRpcValue> {
    const req = toRequest(method, params);
    const res = await this.send(req, opts.timeoutMs);
    if (res.status === 404 && req.path.startsWith('/xend/domain/')) {
      throw new XendFaultError(3, String(params[0]));
    }
    if (res.status === 500 && res.type === 'application/sxp') {
      const err = parseFirst(res.body);
      throw new XendFaultError(2, Array.isArray(err) && err[0] === 'xend.err' ? String(err[1]) : res.body);
    }
    if (res.status >= 400) throw new XendFaultError(1, res.body.trim() || `HTTP ${res.status}`);
    if (res.status === 202 || res.status === 204) return null;
    if (res.type !== 'application/sxp') return res.body;
    return fromSxp(method, parseFirst(res.body));
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

const domainPath = (d: XmlRpcValue) => `/xend/domain/${encodeURIComponent(String(d))}`;

function toRequest(method: string, p: XmlRpcValue[]): Http {
  switch (method) {
    case 'xend.domain':
      return { method: 'GET', path: domainPath(p[0] ?? '') };
    case 'xend.domains_with_state':
      return { method: 'GET', path: `/xend/domain?detail=${p[0] ? 1 : 0}&state=${encodeURIComponent(String(p[1] ?? 'running'))}&full=${p[2] ? 1 : 0}` };
    case 'xend.domain.create':
      return { method: 'POST', path: '/xend/domain', form: { op: 'create', config: show(p[0] as Sxp) } };
    case 'xend.node.info':
      return { method: 'GET', path: '/xend/node' };
    case 'xend.node.dmesg.info':
      return { method: 'GET', path: '/xend/node/dmesg' };
    case 'xend.node.dmesg.clear':
      return { method: 'POST', path: '/xend/node/dmesg', form: { op: 'clear' } };
    case 'xend.node.log':
      return { method: 'GET', path: '/xend/node/log' };
    case 'xend.domain.new':
      return { method: 'POST', path: '/xend/domain', form: { op: 'new', config: show(p[0] as Sxp) } };
    case 'xend.domain.restore':
      return { method: 'POST', path: '/xend/domain', form: { op: 'restore', file: String(p[0]), paused: p[1] ? '1' : '0' } };
  }
  const op = opByMethod.get(method);
  if (!op) throw new XendFaultError(1, `method "${method}" is not supported over the legacy HTTP API`);
  const form: Record<string, string> = { op: op.op };
  op.fields.forEach((f, i) => {
    const v = p[i + 1];
    // Absent and None arguments are left out, so the server applies its defaults.
    if (v !== undefined && v !== null) form[f] = typeof v === 'boolean' ? (v ? '1' : '0') : String(v);
  });
  return { method: 'POST', path: domainPath(p[0] ?? ''), form };
}

/** The XML-RPC shape of an HTTP reply: `(node (k v)…)` becomes `[[k, v]…]`. */
function fromSxp(method: string, value: Sxp): XmlRpcValue {
  if (method === 'xend.node.info' && Array.isArray(value)) return value.slice(1) as XmlRpcValue;
  if (opByMethod.get(method)?.struct) return sxpToStruct(value) as XmlRpcValue;
  return value as XmlRpcValue;
}
