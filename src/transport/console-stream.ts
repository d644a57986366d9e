import { request as httpRequest, type RequestOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { CONSOLE_PATH, CONSOLE_PROTOCOL } from '../protocol/console.js';
import { XendFaultError, XendProtocolError, XendUnreachableError } from './errors.js';
import { strerror } from '../strerror.js';

export interface ConsoleOptions {
  replay?: number | 'all';
  write: boolean;
  force: boolean;
}

/**
 * Opens a console stream (protocol/console.ts) over the connection the
 * transport uses; refusals become the faults the XML-RPC methods would raise.
 */
export async function openConsoleStream(target: RequestOptions, tls: boolean, dom: string, opts: ConsoleOptions): Promise<Duplex> {
  const request = tls ? (await import('node:https')).request : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({
      ...target,
      method: 'GET',
      path: consolePath(dom, opts),
      headers: { Connection: 'Upgrade', Upgrade: CONSOLE_PROTOCOL },
      agent: false,
    });
    req.on('upgrade', (_res, socket, head) => {
      if (head.length) socket.unshift(head);
      resolve(socket);
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => reject(consoleRefusal(dom, res.statusCode ?? 0, body || String(res.statusMessage))));
    });
    req.on('error', (err: NodeJS.ErrnoException) => reject(new XendUnreachableError(strerror(err))));
    req.end();
  });
}

/** The console request's path and query for a domain. */
export function consolePath(dom: string, opts: ConsoleOptions): string {
  const query = new URLSearchParams({ write: opts.write ? '1' : '0', force: opts.force ? '1' : '0' });
  if (opts.replay !== undefined) query.set('replay', String(opts.replay));
  return `${CONSOLE_PATH}${encodeURIComponent(dom)}?${query}`;
}

/** A refused console request as the fault the XML-RPC methods would raise. */
export function consoleRefusal(dom: string, status: number, body: string): Error {
  if (status === 404 && /does not exist/.test(body)) return new XendFaultError(3, dom);
  if (status === 409 || status === 423) return new XendFaultError(2, body);
  return new XendProtocolError(status, body);
}
