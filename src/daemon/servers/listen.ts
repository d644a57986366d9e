import { chmodSync, chownSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeDirs } from '../../make-dirs.js';
import type { HostsAllow } from './hosts-allow.js';
import { enforceRequestDeadlines } from './deadline.js';

export type Endpoint =
  | { kind: 'unix'; path: string; group?: string }
  | { kind: 'tcp'; host: string; port: number; tls?: { key: Buffer; cert: Buffer } };

export function describeEndpoint(e: Endpoint): string {
  if (e.kind === 'unix') return e.path;
  // '' is every address (the unspecified one node binds).
  const host = e.host === '' ? '*' : e.host.includes(':') ? `[${e.host}]` : e.host;
  return `${e.kind === 'tcp' && e.tls ? 'tls:' : ''}${host}:${e.port}`;
}

/** A listening server and how to stop it. */
export interface Listener {
  endpoint: Endpoint;
  close(): Promise<void>;
}

/** What a listener allows each peer (xend-idle-timeout, xend-max-connections). */
export interface ConnectionLimits {
  /** Each request (head and body) must arrive within this long of the connection being ready or idle. */
  idleMs: number;
  /** The largest body a request may declare (its deadline grows with it, up to this). */
  maxRequestBytes: number;
  /** Connections beyond this many open ones are refused. */
  maxConnections: number;
}

/**
 * Limits on every management connection: no slowloris (a deadline for the TLS
 * handshake, then one for each request), no unbounded idle sockets.
 */
function httpServer(handler: RequestListener, tls: { key: Buffer; cert: Buffer } | undefined, limits: ConnectionLimits): Server {
  const server = tls ? createHttpsServer({ ...tls, handshakeTimeout: limits.idleMs }, handler) : createHttpServer(handler);
  enforceRequestDeadlines(server, tls ? 'secureConnection' : 'connection', limits.idleMs, limits.maxRequestBytes);
  server.keepAliveTimeout = Math.min(5_000, limits.idleMs);
  server.maxHeadersCount = 500;
  return server;
}

export type UpgradeListener = (req: IncomingMessage, socket: Duplex) => void;

export interface ListenOptions {
  upgrade?: UpgradeListener;
  /** Checked for every TCP peer before a byte of its request is read. */
  hostsAllow?: HostsAllow;
  onDenied?: (address: string, name: string) => void;
  /** From xend-config.sxp (settings.limits), whose options hold the defaults. */
  limits: ConnectionLimits;
}

/**
 * Listens as xend did: a Unix socket in a 0700 directory with any stale socket
 * unlinked and the socket 0600 (0660 for a configured group); TCP through a
 * front that drops peers hosts-allow refuses. Resolves once connections are
 * accepted, rejects with the reason they cannot be.
 */
export async function listen(handler: RequestListener, e: Endpoint, opts: ListenOptions): Promise<Listener> {
  const { limits } = opts;
  const server = httpServer(handler, e.kind === 'tcp' ? e.tls : undefined, limits);
  if (opts.upgrade) server.on('upgrade', opts.upgrade);
  if (e.kind === 'unix') {
    const dir = dirname(e.path);
    makeDirs(dir, 0o700);
    const gid = e.group ? groupId(e.group) : null;
    if (gid !== null) letGroupThrough(dir, gid, e);
    rmSync(e.path, { force: true });
    server.maxConnections = limits.maxConnections;
    await bind(server, (cb) => server.listen(e.path, cb), e);
    if (gid !== null) {
      chownSync(e.path, process.getuid?.() ?? 0, gid);
      chmodSync(e.path, 0o660);
    } else chmodSync(e.path, 0o600);
    return { endpoint: e, close: () => closeHttp(server) };
  }
  const front = gatedFront(opts, (socket) => server.emit('connection', socket));
  await bind(front, (cb) => front.listen({ ...(e.host !== '' && { host: e.host }), port: e.port }, cb), e);
  return {
    endpoint: e,
    close: async () => {
      await new Promise<void>((r) => front.close(() => r()));
      await closeHttp(server);
    },
  };
}

/**
 * A TCP server that checks each peer against hosts-allow before handing the
 * still-paused socket on, so a refused peer gets nothing read or answered.
 */
export function gatedFront(opts: Pick<ListenOptions, 'hostsAllow' | 'onDenied'> & { limits: Pick<ConnectionLimits, 'maxConnections'> }, accept: (socket: Socket) => void): NetServer {
  const front = createNetServer({ pauseOnConnect: true }, (socket) => {
    void (opts.hostsAllow?.allows(socket) ?? Promise.resolve({ ok: true, address: '', name: '' })).then((peer) => {
      if (!peer.ok) {
        opts.onDenied?.(peer.address, peer.name);
        // Reset, not closed: a peer that has not written yet would read an orderly end, and xm
        // would take a refusal for a crash ("Xend has probably crashed!").
        socket.resetAndDestroy();
        return;
      }
      accept(socket);
      socket.resume();
    });
  });
  front.maxConnections = opts.limits.maxConnections;
  return front;
}

export function bind(server: NetServer, start: (cb: () => void) => void, e: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(new Error(`cannot listen on ${describeEndpoint(e)}: ${err.message}`));
    server.once('error', onError);
    start(() => {
      server.off('error', onError);
      resolve();
    });
  });
}

/** Stops accepting and drops idle keep-alive connections so shutdown is bounded. */
function closeHttp(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}

/**
 * The group must be able to reach its socket, not only open it: group search
 * permission (…x…) on the socket's directory. Only a directory of xend's own is
 * changed; one anybody may write to (/tmp) or that belongs to another group is
 * refused rather than opened up.
 */
function letGroupThrough(dir: string, gid: number, e: Endpoint): void {
  const st = statSync(dir);
  if (st.uid !== (process.getuid?.() ?? 0) || st.mode & 0o002 || (st.gid !== 0 && st.gid !== gid)) {
    throw new Error(`cannot listen on ${describeEndpoint(e)}: ${dir} is not a directory of xend's own, so it is not opened to the socket's group; give the socket a directory of its own`);
  }
  chownSync(dir, st.uid, gid);
  chmodSync(dir, (st.mode & 0o7757) | 0o010);
}

function groupId(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  const line = execFileSync('getent', ['group', group], { encoding: 'utf8' });
  return Number(line.split(':')[2]);
}

/** Whether a TCP bind address reaches beyond this host (for the no-TLS warning). */
export function beyondLoopback(host: string): boolean {
  return !(host === 'localhost' || host.startsWith('127.') || host === '::1');
}
