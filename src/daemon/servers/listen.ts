import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Server } from 'node:http';

export type Endpoint = { kind: 'unix'; path: string; mode?: number } | { kind: 'tcp'; host: string; port: number };

export function describeEndpoint(e: Endpoint): string {
  return e.kind === 'unix' ? e.path : `${e.host || '0.0.0.0'}:${e.port}`;
}

/**
 * Listens as xend did: a Unix socket in a 0700 directory with any stale socket
 * unlinked first and the socket itself 0600; TCP with address reuse. Resolves once
 * the server accepts connections, rejects with the reason it cannot.
 */
export function listen(server: Server, e: Endpoint): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => reject(new Error(`cannot listen on ${describeEndpoint(e)}: ${err.message}`));
    server.once('error', onError);
    const ready = () => {
      server.off('error', onError);
      if (e.kind === 'unix') chmodSync(e.path, e.mode ?? 0o600);
      resolve();
    };
    if (e.kind === 'unix') {
      mkdirSync(dirname(e.path), { recursive: true, mode: 0o700 });
      rmSync(e.path, { force: true });
      server.listen(e.path, ready);
    } else {
      server.listen({ host: e.host || undefined, port: e.port, exclusive: true }, ready);
    }
  });
}

/** Stops accepting and drops idle keep-alive connections so shutdown is bounded. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 2000).unref();
  });
}
