import { connect, createServer, type Socket } from 'node:net';
import { chmodSync, rmSync } from 'node:fs';
import { sinkOf, type ByteSink, type ByteSource } from '../../protocol/byte-stream.js';
import type { QmpClient } from './qmp.js';
import type { ImageStats, SaveImageOptions } from '../types.js';
import { framedOutput, readFramed } from '../image-frames.js';

interface MigrateInfo {
  status: string;
  'error-desc'?: string;
  downtime?: number;
  ram?: { transferred: number; remaining: number; total: number; normal: number; 'dirty-sync-count': number };
}

/**
 * QEMU's own migration stream carried inside ours: QEMU migrates to a Unix
 * socket xend listens on, and xend frames what arrives ([int32 n][n bytes], -1
 * then the stream's SHA-256) into the save file or the relocation connection.
 */
export async function sendImage(qmp: QmpClient, socketPath: string, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
  rmSync(socketPath, { force: true });
  const server = createServer();
  await new Promise<void>((r) => server.listen(socketPath, () => r()));
  // QEMU may run as its own user (qemu-user): the 0700 run directory guards the socket, not its mode.
  chmodSync(socketPath, 0o666);
  const out = framedOutput(sink);
  const started = Date.now();
  let last: MigrateInfo = { status: 'setup' };
  // A migration that fails before QEMU connects must not leave the save waiting for that connection.
  let failed: (err: Error) => void = () => {};
  const accepted = new Promise<Socket>((resolve, reject) => {
    server.once('connection', resolve);
    failed = reject;
  });
  // Awaited only once `migrate` was sent: a failure seen before that is not an unhandled rejection.
  accepted.catch(() => undefined);
  const poll = setInterval(() => {
    void qmp.execute<MigrateInfo>('query-migrate').then((info) => {
      last = info;
      if (info.status === 'failed' || info.status === 'cancelled') failed(migrationError(info));
      if (info.ram) {
        opts.progress?.({ round: info.ram['dirty-sync-count'], pagesSent: info.ram.normal, bytesSent: out.bytes, dirtyPages: Math.ceil(info.ram.remaining / 4096), roundPages: Math.ceil(info.ram.total / 4096), elapsedMs: Date.now() - started });
      }
    }, () => {});
  }, 100);
  const cancel = () => void qmp.execute('migrate_cancel').catch(() => {});
  opts.signal?.addEventListener('abort', cancel, { once: true });
  try {
    if (!opts.live) await opts.suspend();
    await qmp.execute('migrate', { uri: `unix:${socketPath}` });
    const stream = await accepted;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      opts.signal?.throwIfAborted();
      await out.write(chunk);
    }
    last = await waitMigration(qmp, ['completed', 'failed', 'cancelled']);
    if (last.status !== 'completed') throw migrationError(last);
    if (opts.live) await opts.suspend();
    const checksum = await out.end();
    return { rounds: last.ram?.['dirty-sync-count'] ?? 1, pages: last.ram?.normal ?? 0, bytes: out.bytes, downtimeMs: last.downtime ?? 0, checksum };
  } catch (err) {
    cancel();
    throw err;
  } finally {
    clearInterval(poll);
    opts.signal?.removeEventListener('abort', cancel);
    server.close();
    rmSync(socketPath, { force: true });
  }
}

/** Feeds a framed stream into a QEMU started with `-incoming defer`; returns the stream's checksum. */
export async function receiveImage(qmp: QmpClient, socketPath: string, source: ByteSource): Promise<string> {
  rmSync(socketPath, { force: true });
  await qmp.execute('migrate-incoming', { uri: `unix:${socketPath}` });
  const socket = await connectWhenReady(socketPath);
  const sink = sinkOf(socket);
  try {
    const actual = await readFramed(source, (data) => sink.write(data));
    socket.end();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const { status } = await qmp.execute<{ status: string }>('query-status');
      if (status !== 'inmigrate') break;
      if (Date.now() > deadline) throw new Error('QEMU did not finish loading the image');
      await new Promise((r) => setTimeout(r, 50));
    }
    const info = await qmp.execute<MigrateInfo>('query-migrate');
    if (info.status === 'failed') throw new Error(`QEMU could not load the image: ${info['error-desc'] ?? 'failed'}`);
    return actual;
  } finally {
    socket.destroy();
  }
}

function migrationError(info: MigrateInfo): Error {
  return new Error(`QEMU migration ${info.status}${info['error-desc'] ? `: ${info['error-desc']}` : ''}`);
}

async function waitMigration(qmp: QmpClient, states: string[]): Promise<MigrateInfo> {
  for (;;) {
    const info = await qmp.execute<MigrateInfo>('query-migrate');
    if (states.includes(info.status)) return info;
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function connectWhenReady(path: string): Promise<Socket> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path);
        s.once('connect', () => resolve(s));
        s.once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
