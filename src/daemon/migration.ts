import { execFile } from 'node:child_process';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { XendError } from '../protocol/faults.js';
import { childValue, parseFirst } from '../sxp/index.js';
import { strerror } from '../strerror.js';
import type { Logger } from './log.js';
import type { ImageProgress, ImageStats } from '../hypervisor/types.js';
import type { Sxp } from '../sxp/types.js';
import type { VmConfig } from '../vm/config.js';

/*
 * The sending side of a live migration (XendDomain.domain_migrate, relocate.py's
 * client): the connection to the destination's relocation server, its replies,
 * and the external migration tool. CheckpointService (checkpoint.ts) drives it.
 */

/** Connect timeout of the sender, as xend 3.3+ had it. */
const CONNECT_TIMEOUT_MS = 30_000;
/** How long the sender waits for the receiver's verdict once the stream is sent. */
const REPLY_TIMEOUT_MS = 60_000;

export interface MigrationSettings {
  relocationPort: number;
  sslPort: number;
  /** The TLS options for a migration over SSL to a host (servers/relocation.ts). */
  tls: (host: string) => ConnectionOptions;
  /** xend-relocation-ssl: use TLS when the request does not say. */
  defaultSsl: boolean;
  externalTool: string;
  /** Where each save or migration in progress is recorded, for recovery after a crash of xend. */
  journalDir: string;
}

export interface MigrationProgress extends Partial<ImageProgress> {
  domain: string;
  destination: string;
  phase: 'connecting' | 'copying' | 'suspended' | 'waiting' | 'done' | 'failed';
  live: boolean;
  memoryPages: number;
}

export interface MigrationResult extends ImageStats {
  domain: string;
  destination: string;
  totalMs: number;
}

/** external-migration-tool (none when `tool` is ''), run per device class and step as xend ran it (no shell). */
export async function runMigrationTool(tool: string, log: Logger, classes: string[], step: number, dst: string, name: string, recover: boolean): Promise<void> {
  if (!tool) return;
  for (const cls of classes) {
    const args = ['-type', cls, '-step', String(step), '-host', dst, '-domname', name, ...(recover ? ['-recover'] : [])];
    const rc = await new Promise<number>((resolve) =>
      execFile(tool, args, { timeout: 60_000 }, (err) => resolve(err ? (typeof err.code === 'number' ? err.code : 1) : 0)),
    );
    log.info(`Migration tool ${tool} ${args.join(' ')} returned ${rc}`);
    if (rc !== 0 && !recover) throw new XendError(`Migration tool returned ${rc}`);
  }
}

/** The device classes of a config, for external-migration-tool's `-type`. */
export function deviceClasses(config: VmConfig | null): string[] {
  const classes = new Set<string>();
  for (const dev of config?.devices ?? []) {
    const body = Array.isArray(dev) ? dev[1] : undefined;
    const cls = Array.isArray(body) ? body[0] : undefined;
    if (typeof cls === 'string' && cls !== 'console') classes.add(cls);
  }
  return [...classes];
}

/** The record with the domain's own name, not `migrating-<name>`. */
export function renamed(record: Sxp, name: string): Sxp {
  return (record as Sxp[]).map((e) => (Array.isArray(e) && e[0] === 'name' ? ['name', name] : e));
}

/** Connects to the destination's relocation server (TLS when `ssl` gives options), within xend's connect timeout. */
export function connectRelocation(host: string, port: number, ssl: ConnectionOptions | false, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    // No Nagle: the handshake is short writes in a row before a reply is awaited, and a
    // second one would wait for the peer's delayed ACK of the first.
    const socket: Socket = ssl ? tlsConnect({ host, port, ...ssl }) : netConnect({ host, port });
    socket.setNoDelay(true);
    signal?.addEventListener('abort', () => socket.destroy(new Error('Migration cancelled')), { once: true });
    const timer = setTimeout(() => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), CONNECT_TIMEOUT_MS);
    socket.once(ssl ? 'secureConnect' : 'connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // xend's line, then where it looked and what makes a destination listen.
      const server = ssl ? '(xend-relocation-ssl-server yes), port 8003 by default' : '(xend-relocation-server yes), port 8002 by default';
      reject(new XendError(`can't connect: ${strerror(err)}\nNo relocation server answered at ${host}:${port}; the destination's xend-config.sxp needs ${server}`));
    });
  });
}

/** What the receiver says on the connection, for the handshake, its verdict, or an error. */
export function collectReplies(socket: Socket, onRemoteError: () => void) {
  let text = '';
  let wake: (() => void) | null = null;
  let closed = false;
  socket.on('data', (d: Buffer) => {
    text += d.toString('latin1');
    if (text.length > 65536) text = text.slice(-65536);
    if (/\(err[^\n]*\)\n/.test(text)) onRemoteError();
    wake?.();
  });
  socket.on('close', () => {
    closed = true;
    wake?.();
  });
  socket.on('error', () => {});
  const waitFor = async (re: RegExp, timeoutMs: number, what: string): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = re.exec(text);
      if (m) return m[0];
      if (closed || Date.now() > deadline) throw new XendError(what);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, Math.max(0, Math.min(1000, deadline - Date.now())));
      });
    }
  };
  return {
    /** The receiver's `(ready receive)`, after the request line. */
    ready: () => waitFor(/\(ready receive\)\n/, CONNECT_TIMEOUT_MS, 'no (ready receive) from the destination').then(() => {}),
    /** The receiver's verdict once the stream is whole: `(ok)`, or its `(err …)` thrown. */
    verdict: async (dst: string): Promise<void> => {
      const remote = parseRemoteError(await waitFor(/\((ok|err)[^\n]*\)\n/, REPLY_TIMEOUT_MS, 'no reply from the destination'), dst);
      if (remote) throw remote;
    },
    /** After a failed write: the receiver's `(err …)`, if it sends one within 3 s (as xend waited). */
    remoteError: async (dst: string): Promise<XendError | null> => {
      try {
        return parseRemoteError(await waitFor(/\(err[^\n]*\)\n?/, 3000, ''), dst);
      } catch {
        return null;
      }
    },
  };
}

/**
 * The receiver's `(err (type …) (value …))` as "<value> (from HOST)". Parsed as
 * SXP rather than with xend's regex, which missed values show() double-quotes.
 */
export function parseRemoteError(reply: string, dst: string): XendError | null {
  let v: Sxp;
  try {
    v = parseFirst(reply);
  } catch {
    return null;
  }
  if (!Array.isArray(v) || v[0] !== 'err') return null;
  return new XendError(`${String(childValue(v, 'value', 'unknown error'))} (from ${dst})`);
}
