import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The slowest body accepted: each 64 KiB a request declares adds a second to its deadline. */
const MIN_BODY_BYTES_PER_SECOND = 64 * 1024;

interface Connection {
  timer?: NodeJS.Timeout;
  /** When the request now arriving must be in, head and body (ms since the epoch). */
  due: number;
  /** Requests received and not yet answered. */
  unanswered: Set<IncomingMessage>;
}

const connections = new WeakMap<Duplex, Connection>();

/**
 * A deadline per request, not an idle timer (a byte now and then does not
 * extend it): from the moment a connection is ready, or its last response went
 * out, the next request's head and body must arrive within `idleMs`, plus a
 * second per 64 KiB of body it declares (at most `maxBodyBytes` of it). A
 * request whose body is in is xend's to answer, however long that takes (a
 * migration); a console (an upgraded connection) has no deadline once attached.
 *
 * Node's own headersTimeout/requestTimeout cannot serve: they are checked only
 * on a server that listen()s itself, and the TCP listeners hand their sockets in.
 */
export function enforceRequestDeadlines(server: Server, ready: 'connection' | 'secureConnection', idleMs: number, maxBodyBytes: number): void {
  server.headersTimeout = 0;
  server.requestTimeout = 0;
  server.on(ready, (socket: Duplex) => {
    const c: Connection = { due: 0, unanswered: new Set() };
    connections.set(socket, c);
    arm(socket, c, Date.now() + idleMs);
    socket.once('close', () => clearTimeout(c.timer));
  });
  server.on('request', (req: IncomingMessage, res) => {
    const socket = req.socket;
    const c = connections.get(socket);
    if (!c) return;
    c.unanswered.add(req);
    const declared = Math.min(Number(req.headers['content-length']) || 0, maxBodyBytes);
    if (!req.complete && declared) arm(socket, c, c.due + (declared / MIN_BODY_BYTES_PER_SECOND) * 1000);
    res.once('close', () => {
      c.unanswered.delete(req);
      if (!c.unanswered.size && connections.has(socket) && !socket.destroyed) arm(socket, c, Date.now() + idleMs);
    });
  });
}

function arm(socket: Duplex, c: Connection, due: number): void {
  clearTimeout(c.timer);
  c.due = due;
  c.timer = setTimeout(() => {
    // Every request received in full is being answered: the answer re-arms the deadline.
    if (c.unanswered.size && [...c.unanswered].every((r) => r.complete)) return;
    socket.destroy();
  }, Math.max(0, due - Date.now()));
}

/** An attached console stays as long as it likes. */
export function liftDeadline(socket: Duplex): void {
  clearTimeout(connections.get(socket)?.timer);
  connections.delete(socket);
}
