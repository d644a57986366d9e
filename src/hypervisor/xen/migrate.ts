import { isIP } from 'node:net';
import { XendError } from '../../protocol/faults.js';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import type { ImageStats, LiveSendOptions } from '../types.js';
import { exitOf, type XenRunner } from './runner.js';

/*
 * Live migration through xl's own stream (xl_migrate.c): the sender runs
 * `xl migrate -s RELAY DOMID HOST`, and xl runs `sh -c "exec RELAY HOST xl
 * migrate-receive…"` with its stream on the relay's stdin/stdout. Our relay
 * (src/daemon/xl-relay.ts, `xend __xl-relay`) carries it over the destination xend's
 * relocation server, which runs `xl migrate-receive` on the connection.
 */

/** A live migration of a large guest under emulation takes minutes; one that takes longer is stuck. */
const XL_MIGRATE_TIMEOUT_MS = 30 * 60_000;
/** What the relay prints on xl's stderr: how far the stream went, or why it stopped. */
export const RELAY_TAG = 'xl-relay:';
const RELAY_SENT = new RegExp(`^${RELAY_TAG} (\\d+) bytes sent$`);
/** The sender's line once the receiver has the whole domain: from here on it is the receiver's to start. */
const ACKNOWLEDGED = 'migration sender: Target has acknowledged transfer.';

/** A hostname (RFC 1123 labels) or an IP address: nothing a shell would read as more than one word. */
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The destination as xl may paste it into its shell line, or xend's refusal. */
export function migrationHost(host: string): string {
  if (isIP(host) || HOSTNAME.test(host)) return host;
  throw new XendError(`the xen backend migrates live only to a host name or IP address, not "${host.slice(0, 64)}"`);
}

/** A relocation port: an integer xl's shell line carries as one word. */
export function migrationPort(port: number): number {
  if (Number.isInteger(port) && port > 0 && port < 65536) return port;
  throw new XendError(`invalid relocation port ${String(port).slice(0, 16)}`);
}

/** One word for sh: single-quoted (xend's own paths only; nothing a client chose). */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * xl's `-s` command: the relay program (xend's node and script), the relocation
 * port and the file with xend's record of the domain; xl appends the host and
 * `xl migrate-receive`, which the relay ignores.
 */
export function relayCommand(relay: readonly string[], port: number, headerFile: string): string {
  return [...relay, String(migrationPort(port)), headerFile].map(shellWord).join(' ');
}

/** `xl migrate -s RELAY DOMID HOST`: resolves once the domain runs there (xl destroyed it here). */
export async function sendWithXl(runner: XenRunner, domid: number, host: string, relay: string, opts: LiveSendOptions): Promise<ImageStats> {
  const started = Date.now();
  const args = ['migrate', '-s', relay, String(domid), migrationHost(host)];
  const child = runner.spawn('xl', args, ['ignore', 'ignore', 'pipe']);
  let bytes = 0;
  let acked = false;
  const onLine = (line: string): boolean => {
    const sent = RELAY_SENT.exec(line);
    if (sent) {
      bytes = Number(sent[1]);
      opts.progress?.({ round: 1, pagesSent: Math.floor(bytes / 4096), bytesSent: bytes, dirtyPages: 0, elapsedMs: Date.now() - started });
      return false;
    }
    if (line === ACKNOWLEDGED && !acked) {
      acked = true;
      opts.acknowledged?.();
    }
    return true;
  };
  // Before the ack, a cancel stops xl (which resumes the guest); after it, the domain is the receiver's.
  const stop = () => {
    if (!acked) child.kill('SIGINT');
  };
  const timer = setTimeout(() => child.kill('SIGTERM'), XL_MIGRATE_TIMEOUT_MS);
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    await exitOf(child, 'xl', args, { onLine, reason: migrationFailure });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', stop);
  }
  return { rounds: 1, pages: Math.floor(bytes / 4096), bytes, downtimeMs: 0, checksum: '' };
}

/**
 * `xl migrate-receive -e` on a relocation connection: its stdin what the sender
 * sends, its stdout back to it (the connection itself when it can be handed over);
 * resolves once xl built and started the domain.
 */
export async function receiveWithXl(runner: XenRunner, source: ByteSource, sink: ByteSink): Promise<void> {
  const args = ['migrate-receive', '-e'];
  // A plain connection is xl's own, as xend gave it to xc_restore: the stream is not copied
  // through xend's event loop, which serves its clients meanwhile.
  const socket = source.handOver();
  if (socket) return exitOf(runner.spawn('xl', args, [socket, socket, 'pipe']), 'xl', args, { reason: migrationFailure });
  const child = runner.spawn('xl', args, ['pipe', 'pipe', 'pipe']);
  const done = exitOf(child, 'xl', args, { reason: migrationFailure });
  child.stdin!.on('error', () => {});
  child.stdout!.on('data', (data: Buffer) => {
    child.stdout!.pause();
    sink.write(data).then(
      () => child.stdout!.resume(),
      () => child.kill('SIGTERM'),
    );
  });
  void (async () => {
    for (let data = await source.readSome(); data; data = await source.readSome()) {
      if (!child.stdin!.write(data)) await new Promise((r) => child.stdin!.once('drain', r));
    }
    child.stdin!.end();
  })().catch(() => child.stdin!.destroy());
  await done;
}

/** xl's reason: the relay's, or the first error libxl or libxc gave, then xl's last word. */
export function migrationFailure(lines: string[]): string {
  const said = lines.map((l) => l.trim()).filter(Boolean);
  const reason =
    said.find((l) => l.startsWith(RELAY_TAG))?.slice(RELAY_TAG.length).trim() ??
    said.find((l) => / error: /.test(l) || l.startsWith('xc: error:'))?.replace(/^xc: error: /, '');
  // libxl's notes (the relay's exit status) are not xl's word.
  const last = said.filter((l) => !l.startsWith('libxl: info:')).at(-1);
  return [reason, last].filter((l, i, all): l is string => !!l && all.indexOf(l) === i).join('\n');
}
