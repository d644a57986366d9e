import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { XendInvalidDomain } from '../../protocol/faults.js';
import { CONSOLE_PATH, CONSOLE_PROTOCOL } from '../../protocol/console.js';
import { plainResponse } from '../../protocol/http-head.js';
import { ConsoleBusyError, type ConsoleClient, type ConsoleService } from '../console.js';
import type { DomainService } from '../domains.js';
import { liftDeadline } from './deadline.js';

/** Unread output a client may have queued before it starts missing output. */
const CLIENT_BACKLOG = 1 << 20;

/**
 * Console attach over any management server: an HTTP Upgrade to a raw byte
 * stream on the connection xm already uses (XML-RPC or legacy HTTP, Unix, TCP or
 * TLS), so consoles work wherever xm can reach xend.
 */
export function consoleUpgrade(domains: DomainService, consoles: ConsoleService) {
  return (req: IncomingMessage, socket: Duplex): void => {
    const refuse = (status: number, reason: string, message: string) => {
      socket.end(plainResponse(status, reason, message, [['Connection', 'close']]));
    };
    let url: URL;
    let dom: string;
    try {
      url = new URL(req.url ?? '/', 'http://xend');
      dom = decodeURIComponent(url.pathname.slice(CONSOLE_PATH.length));
    } catch {
      return refuse(400, 'Bad Request', 'Bad request');
    }
    if (!url.pathname.startsWith(CONSOLE_PATH) || String(req.headers.upgrade).toLowerCase() !== CONSOLE_PROTOCOL) {
      return refuse(404, 'Not Found', 'Not found');
    }
    let uuid: string;
    try {
      const d = domains.lookup(dom);
      if (d.domid === 0) return refuse(409, 'Conflict', "Can't specify Domain-0");
      if (d.flags.shutdown || d.flags.crashed) return refuse(409, 'Conflict', `Domain '${dom}' is not started`);
      uuid = d.uuid;
    } catch (err) {
      if (err instanceof XendInvalidDomain) return refuse(404, 'Not Found', `Domain '${dom}' does not exist.`);
      throw err;
    }
    const replayParam = url.searchParams.get('replay');
    const replay = replayParam === null ? undefined : replayParam === 'all' ? ('all' as const) : Number(replayParam);
    const client: ConsoleClient = {
      send: (text) => {
        if (socket.writableLength > CLIENT_BACKLOG) return false;
        socket.write(text);
        return true;
      },
      end: () => socket.end(),
    };
    let history: string;
    try {
      history = consoles.attach(uuid, client, { write: url.searchParams.get('write') !== '0', force: url.searchParams.get('force') === '1', ...(replay !== undefined && { replay }) });
    } catch (err) {
      if (err instanceof ConsoleBusyError) return refuse(423, 'Locked', err.message);
      throw err;
    }
    // Neither the request deadline nor a keep-alive timer applies to an attached console.
    liftDeadline(socket);
    if ('setTimeout' in socket) (socket as Socket).setTimeout(0);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${CONSOLE_PROTOCOL}\r\nConnection: Upgrade\r\n\r\n${history}`);
    socket.on('data', (data: Buffer) => {
      if (consoles.canWrite(uuid, client)) domains.consoleInput(uuid, data);
    });
    // HTTP servers allow half-open sockets: the client leaving must close ours too.
    socket.on('end', () => socket.end());
    socket.on('close', () => consoles.detach(uuid, client));
    socket.on('error', () => consoles.detach(uuid, client));
  };
}
