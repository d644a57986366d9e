import { chmodSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type ConnectionOptions } from 'node:tls';
import { dirname } from 'node:path';
import { makeDirs } from '../../make-dirs.js';
import { parseFirst, show } from '../../sxp/index.js';
import { sinkOf, sourceOf, type ByteSource } from '../../protocol/byte-stream.js';
import { XL_RECEIVE } from '../../protocol/relocation.js';
import { XendError } from '../../protocol/faults.js';
import { HostsAllow } from './hosts-allow.js';
import { bind, describeEndpoint, gatedFront, type Endpoint, type Listener } from './listen.js';
import type { CheckpointService } from '../checkpoint.js';
import type { XendSettings } from '../settings.js';
import type { XendPaths } from '../../config/paths.js';
import type { Logger } from '../log.js';
import type { Sxp } from '../../sxp/types.js';

/** A request line longer than this is not a relocation request. */
const MAX_REQUEST = 1024;
/** xend's own ops, as its `help` lists them (`xlreceive` is ours, for xl's relay only). */
const OPS = ['help', 'quit', 'receive', 'sslreceive'];

/**
 * xend's relocation server (relocate.py): one SXP request per line (`receive`),
 * answered `(ready receive)`, then the guest state stream; `(ok)` once the domain
 * runs here, `(err (type …) (value '…'))` otherwise; not in xend, `xlreceive`: xend's
 * record, `(ready xlreceive)`, then xl's own stream both ways (receiveByTool). A wire
 * adapter onto the checkpoint service.
 */
export function relocationHandler(checkpoints: Pick<CheckpointService, 'receiveRelocated' | 'receiveByTool'>, log: Logger, idleMs: number) {
  return (socket: Socket): void => {
    socket.on('error', () => {});
    // A peer that stops sending mid-request would otherwise hold a half-built domain forever,
    // and one that trickles its request line would hold the connection: that line has a deadline.
    socket.setTimeout(idleMs, () => socket.destroy(new Error('relocation peer idle')));
    const requestDue = setTimeout(() => socket.destroy(), idleMs);
    const source = sourceOf(socket);
    void (async () => {
      const reply = (v: Sxp) => socket.write(`${show(v)}\n`);
      // Once xl's own stream runs on the connection, nothing of xend's may be written into it.
      let raw = false;
      try {
        const line = await readLine(source).finally(() => clearTimeout(requestDue));
        const op = requestOp(line);
        if (op === 'help') return void socket.end(`${show(['ok', OPS])}\n`);
        if (op === 'quit') return void socket.end();
        if (op === XL_RECEIVE) {
          const d = await checkpoints.receiveByTool(source, sinkOf(socket), () => {
            reply(['ready', XL_RECEIVE]);
            raw = true;
            // xl's stream falls silent while libxl waits for the guest to suspend (up to its
            // minute): xl bounds its own waits, and keepalive finds a peer host that vanished.
            socket.setTimeout(0);
            socket.setKeepAlive(true, idleMs);
          });
          log.info(`Domain ${d.name} received from ${socket.remoteAddress ?? 'local socket'} by xl as id ${d.domid}`);
          // Closed, not only ended: a connection handed to xl is no longer read here, so its end is never seen.
          return void socket.end(() => socket.destroy());
        }
        if (op !== 'receive' && op !== 'sslreceive') throw new XendError(`Invalid operation: ${op}`);
        reply(['ready', 'receive']);
        const { domain: d, checksum, keep } = await checkpoints.receiveRelocated(source);
        log.info(`Domain ${d.name} received from ${socket.remoteAddress ?? 'local socket'} as id ${d.domid}, memory checksum ${checksum}`);
        reply(['ok']);
        socket.end();
        // The guest runs here: what else is kept of it is no part of its downtime.
        keep();
      } catch (err) {
        const type = err instanceof XendError ? "<class 'xen.xend.XendError.XendError'>" : "<type 'exceptions.Exception'>";
        if (socket.destroyed) return;
        if (raw) return void socket.destroy();
        reply(['err', ['type', type], ['value', (err as Error).message]]);
        socket.end();
        // Let the sender read the error: swallow what it still sends, then let go.
        socket.removeAllListeners('data');
        socket.resume();
        setTimeout(() => socket.destroy(), 10_000).unref();
      }
    })();
  };
}

async function readLine(source: ByteSource): Promise<string> {
  let line = '';
  for (;;) {
    const ch = (await source.read(1)).toString('latin1');
    if (ch === '\n') return line;
    line += ch;
    if (line.length > MAX_REQUEST) throw new XendError('Invalid request: too long');
  }
}

function requestOp(line: string): string {
  let v: Sxp;
  try {
    v = parseFirst(line);
  } catch {
    throw new XendError(`Invalid request: ${line}`);
  }
  const op = Array.isArray(v) ? v[0] : v;
  return typeof op === 'string' ? op.replace(/\./g, '_') : '';
}

/** Starts the relocation listeners xend-config.sxp asks for (not restarted by reload, as in xend). */
export async function startRelocationServers(s: XendSettings, paths: XendPaths, handle: (socket: Socket) => void, log: Logger): Promise<Listener[]> {
  const o = s.options;
  const hostsAllow = HostsAllow.fromOption('xend-relocation-hosts-allow', String(o['xend-relocation-hosts-allow']), log);
  const limits = { maxConnections: s.limits.maxConnections };
  const gate = { hostsAllow, limits, onDenied: (address: string, name: string) => log.warning(`Rejected connection from ${address} (${name}).`) };
  const started: Listener[] = [];
  const add = async (server: Server, endpoint: Endpoint, start: (cb: () => void) => void) => {
    await bind(server, start, endpoint);
    started.push({ endpoint, close: () => new Promise((r) => server.close(() => r())) });
    log.info(`Listening on ${describeEndpoint(endpoint)} for relocation`);
  };
  try {
    const host = String(o['xend-relocation-address']) || 'localhost';
    if (o['xend-relocation-server']) {
      const endpoint: Endpoint = { kind: 'tcp', host, port: Number(o['xend-relocation-port']) };
      const front = gatedFront(gate, handle);
      await add(front, endpoint, (cb) => front.listen({ host, port: endpoint.port }, cb));
    }
    if (o['xend-relocation-ssl-server']) {
      const key = o['xend-relocation-server-ssl-key-file'];
      const cert = o['xend-relocation-server-ssl-cert-file'];
      if (!key || !cert) throw new XendError('ssl_key_file or ssl_cert_file for ssl relocation server is missing.');
      const tls = createTlsServer({ key: readFileSync(String(key)), cert: readFileSync(String(cert)), handshakeTimeout: s.limits.relocationIdleMs }, handle);
      // Without a listener, a handshake that times out leaves its socket open.
      tls.on('tlsClientError', (_err, socket) => socket.destroy());
      const endpoint: Endpoint = { kind: 'tcp', host, port: Number(o['xend-relocation-ssl-port']) };
      const front = gatedFront(gate, (socket) => tls.emit('connection', socket));
      await add(front, endpoint, (cb) => front.listen({ host, port: endpoint.port }, cb));
    }
    if (o['xend-unix-server']) {
      const path = paths.relocationSocket;
      makeDirs(dirname(path), 0o700);
      rmSync(path, { force: true });
      const unix = createNetServer(handle);
      unix.maxConnections = limits.maxConnections;
      await add(unix, { kind: 'unix', path }, (cb) => unix.listen(path, cb));
      chmodSync(path, 0o600);
    }
  } catch (err) {
    await Promise.all(started.map((l) => l.close()));
    throw err;
  }
  return started;
}

/**
 * The TLS options of the SSL migration sender (`xm migrate -s`). xend's sender
 * verified nothing, so whoever answers on the port gets the domain: with
 * xend-relocation-ssl-ca-file the destination's certificate must be signed by
 * those CAs and name the host migrated to (Node's checkServerIdentity);
 * without it each such migration is warned about in the log.
 */
export function relocationSenderTls(caFile: string | null, log: Logger): (host: string) => ConnectionOptions {
  let ca: Buffer | null = null;
  try {
    if (caFile) ca = readFileSync(caFile);
  } catch (err) {
    throw new XendError(`cannot read xend-relocation-ssl-ca-file ${caFile}: ${(err as Error).message}`);
  }
  return (host) => {
    if (ca) return { ca };
    log.warning(`Migrating to ${host} over SSL without xend-relocation-ssl-ca-file: its certificate is not verified, so whoever answers there receives the domain`);
    return { rejectUnauthorized: false };
  };
}
