import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parseFirst, prettyPrint, show, SxpParseError } from '../../sxp/index.js';
import { XendInvalidDomain, faultOf } from '../../protocol/faults.js';
import { domainOps, structToSxp, SXP_ERROR } from '../../protocol/http-ops.js';
import { XEND, type MethodSpec } from '../../protocol/methods.js';
import { BodyTooLarge, readBody } from './body.js';
import type { Method } from '../methods.js';
import type { Sxp } from '../../sxp/types.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const BAD_TEXT = 'Bad request: malformed %-escape or invalid UTF-8';

/** SrvBase's limit on a POST body. */
const MAX_BODY = 10_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Reply = { status: number; body: Sxp | string; text?: boolean; location?: string };
/** xend answered None (a method that returns nothing, or a None result) with 200 and no body. */
const NOTHING: Reply = { status: 200, body: '', text: true };

/**
 * xend's legacy HTTP server (SrvRoot/SrvDomainDir/SrvDomain/SrvNode): the
 * `/xend/…` URL tree, SXP bodies for programs and HTML for browsers, xend's
 * status codes. A wire adapter only: every operation is a legacy method call.
 */
export function httpHandler(methods: Map<string, Method>): RequestListener {
  const call = async (m: MethodSpec, ...args: unknown[]): Promise<unknown> => {
    const fn = methods.get(m.name);
    if (!fn) throw new HttpError(501, `Operation not implemented: ${m.name}`);
    return fn(...args);
  };

  async function route(req: IncomingMessage, url: URL, form: URLSearchParams): Promise<Reply> {
    const parts = url.pathname.split('/').filter(Boolean).map(unescape);
    if (parts[0] !== 'xend') throw new HttpError(404, 'Not found');
    const get = req.method === 'GET' || req.method === 'HEAD';
    const [, section, name, sub] = parts;
    if (!section) return { status: 200, body: ['ls', 'node', 'domain', 'vnet'] };
    if (section === 'node') {
      if (name === 'dmesg') {
        if (get) return { status: 200, body: String(await call(XEND.node_dmesg_info)), text: true };
        if (op(form) === 'clear') return { status: 200, body: String(await call(XEND.node_dmesg_clear)), text: true };
        throw new HttpError(501, `Operation not implemented: ${op(form)}`);
      }
      if (name === 'log' && get) return { status: 200, body: String(await call(XEND.node_log)), text: true };
      if (!name && get) return { status: 200, body: ['node', ...((await call(XEND.node_info)) as Sxp[])] };
      throw new HttpError(get ? 404 : 501, get ? 'Not found' : `Operation not implemented: ${op(form)}`);
    }
    if (section !== 'domain' || sub) throw new HttpError(404, 'Not found');
    if (!name) {
      if (get) {
        const detail = url.searchParams.get('detail') === '1';
        const state = url.searchParams.get('state') ?? 'running';
        return { status: 200, body: (await call(XEND.domains_with_state, detail, state, url.searchParams.get('full') === '1')) as Sxp };
      }
      if (op(form) === 'restore') {
        const restored = (await call(XEND.restore, field(form, 'file'), form.get('paused') === '1')) as Sxp;
        return { status: 201, body: restored };
      }
      if (op(form) === 'new') {
        await call(XEND.new, parseConfig(field(form, 'config')));
        return NOTHING;
      }
      if (op(form) !== 'create') throw new HttpError(501, `Operation not implemented: ${op(form)}`);
      const config = parseConfig(field(form, 'config'));
      const created = (await call(XEND.create, config)) as Sxp;
      const domName = (created as Sxp[]).find((e) => Array.isArray(e) && e[0] === 'name') as Sxp[] | undefined;
      return { status: 201, body: created, location: `${url.origin}/xend/domain/${encodeURIComponent(String(domName?.[1] ?? ''))}` };
    }
    if (get && !url.searchParams.get('op')) return { status: 200, body: (await call(XEND.domain, name, true)) as Sxp };
    const opName = get ? url.searchParams.get('op')! : op(form);
    const spec = domainOps.get(opName);
    if (!spec || (get && !spec.http.get)) throw new HttpError(501, `Operation not implemented: ${opName}`);
    const result = await call(spec, name, ...spec.http.fields.map((f) => form.get(f) ?? undefined));
    if (spec.http.reply === 'accepted') return { status: 202, body: '', text: true, location: `${url.origin}${url.pathname}/..` };
    if (spec.http.reply === 'none' || result === undefined || result === null) return NOTHING;
    return { status: 200, body: spec.http.reply === 'struct' ? (structToSxp(result as Record<string, never>) as Sxp) : (result as Sxp) };
  }

  return (req, res) => {
    void (async () => {
      const sxp = wantsSxp(req);
      try {
        const url = requestUrl(req);
        const form = req.method === 'POST' ? await readForm(req) : new URLSearchParams();
        if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') throw new HttpError(501, `Unsupported method (${req.method})`);
        send(res, await route(req, url, form), sxp, url.pathname);
      } catch (err) {
        sendError(res, err, sxp);
      }
    })();
  };
}

/** The request's URL; a malformed target or Host header is the client's error (400). */
function requestUrl(req: IncomingMessage): URL {
  try {
    const url = new URL(req.url ?? '/', 'http://xend');
    const host = req.headers.host;
    return host && /^[\w.:[\]-]+$/.test(host) ? new URL(`${url.pathname}${url.search}`, `http://${host}`) : url;
  } catch {
    throw new HttpError(400, 'Bad request');
  }
}

function op(form: URLSearchParams): string {
  const ops = form.getAll('op');
  if (ops.length !== 1) throw new HttpError(406, 'Invalid request');
  return ops[0]!;
}

function field(form: URLSearchParams, name: string): string {
  const values = form.getAll(name);
  if (values.length !== 1) throw new HttpError(406, values.length ? `Duplicate field: ${name}` : `Missing field: ${name}`);
  return values[0]!;
}

function parseConfig(text: string): Sxp {
  try {
    return parseFirst(text);
  } catch (err) {
    if (err instanceof SxpParseError) throw new HttpError(500, `Invalid configuration: ${err.message}`);
    throw err;
  }
}

/** A %-escaped path segment or form field; a malformed escape or invalid UTF-8 is the client's error. */
function unescape(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpError(400, BAD_TEXT);
  }
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = String(req.headers['content-type'] ?? 'application/x-www-form-urlencoded');
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new HttpError(406, `Unsupported content type: ${type}`);
  let body: Buffer;
  try {
    body = await readBody(req, MAX_BODY);
  } catch (err) {
    if (err instanceof BodyTooLarge) throw new HttpError(413, 'Request entity too large');
    throw err;
  }
  // URLSearchParams would turn bad bytes and escapes into U+FFFD: refuse them instead.
  let text: string;
  try {
    text = UTF8.decode(body);
  } catch {
    throw new HttpError(400, BAD_TEXT);
  }
  for (const part of text.split(/[&=]/)) unescape(part.replace(/\+/g, ' '));
  return new URLSearchParams(text);
}

/** SrvBase.useSxp: SXP unless a browser (User-Agent and an Accept without application/sxp) asks. */
function wantsSxp(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return !req.headers['user-agent'] || !accept || accept.includes('application/sxp');
}

function headers(type: string, length: number, location?: string): Record<string, string | number> {
  return {
    'Content-type': type,
    'Content-length': length,
    Pragma: 'no-cache',
    'Cache-control': 'no-cache',
    Expires: '-1',
    ...(location && { Location: location }),
  };
}

function send(res: ServerResponse, r: Reply, sxp: boolean, path: string): void {
  let type: string;
  let text: string;
  if (r.text) {
    type = 'text/plain';
    text = String(r.body);
  } else if (sxp) {
    type = 'application/sxp';
    text = show(r.body as Sxp);
  } else {
    type = 'text/html';
    text = html(path, r.body as Sxp);
  }
  const body = Buffer.from(text, 'utf8');
  res.writeHead(r.status, headers(type, body.length, r.location));
  res.end(body);
}

function sendError(res: ServerResponse, err: unknown, sxp: boolean): void {
  let status: number;
  let type = 'text/plain';
  let text: string;
  if (err instanceof HttpError) {
    status = err.status;
    text = err.message;
  } else if (err instanceof XendInvalidDomain) {
    status = 404;
    text = `<Fault 3: '${err.domain}'>`;
  } else {
    status = 500;
    const message = faultOf(err).faultString;
    if (sxp) {
      type = 'application/sxp';
      text = show([SXP_ERROR, message]);
    } else {
      type = 'text/html';
      text = `<p>${escapeHtml(message)}</p>`;
    }
  }
  const body = Buffer.from(text, 'utf8');
  res.writeHead(status, headers(type, body.length));
  res.end(body);
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** What a browser saw: the path as links, then the value pretty-printed. */
function html(path: string, value: Sxp): string {
  const parts = path.split('/').filter(Boolean);
  const crumbs = parts.map((p, i) => `<a href="/${parts.slice(0, i + 1).join('/')}">${escapeHtml(decodeURIComponent(p))}</a>`).join(' / ');
  return `<html><head></head><body><h1>${crumbs}</h1><pre>${escapeHtml(prettyPrint(value))}</pre></body></html>`;
}
