import { createReadStream, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { ByteSink, ByteSource } from '../../protocol/byte-stream.js';
import { framedOutput, readFramed } from '../image-frames.js';
import type { ImageStats, SaveImageOptions } from '../types.js';
import { exitOf, type XenRunner } from './runner.js';

/** A save or restore of a large guest under emulation takes minutes; one that takes longer is stuck. */
const XL_IMAGE_TIMEOUT_MS = 30 * 60_000;

/**
 * `xl save -p DOMID FILE` into a regular file in xend's private directory (xl's
 * own stdout, a pipe, failed on the lane), then that image framed into xend's
 * stream. xl leaves the guest paused, resumed from its suspend (`paused` is
 * told), for xend to destroy or unpause; xl resumes it if its save fails.
 */
export async function saveWithXl(runner: XenRunner, domid: number, tmp: string, sink: ByteSink, opts: SaveImageOptions, paused: () => void): Promise<ImageStats> {
  const started = Date.now();
  rmSync(tmp, { force: true });
  try {
    await runXl(runner, ['save', '-p', String(domid), tmp], opts.signal);
    paused();
    const out = framedOutput(sink);
    for await (const chunk of createReadStream(tmp) as AsyncIterable<Buffer>) {
      opts.signal?.throwIfAborted();
      await out.write(chunk);
      opts.progress?.({ round: 1, pagesSent: Math.floor(out.bytes / 4096), bytesSent: out.bytes, dirtyPages: 0, elapsedMs: Date.now() - started });
    }
    if (out.bytes === 0) throw new Error('xl save wrote no image');
    await opts.suspend();
    const checksum = await out.end();
    return { rounds: 1, pages: Math.floor(out.bytes / 4096), bytes: out.bytes, downtimeMs: Date.now() - started, checksum };
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** xend's stream unframed into a private file (created anew, never through a link), then `xl restore -p -e CFG FILE`. */
export async function restoreWithXl(runner: XenRunner, cfgPath: string, tmp: string, source: ByteSource): Promise<string> {
  rmSync(tmp, { force: true });
  try {
    const file = await open(tmp, 'wx', 0o600);
    let checksum: string;
    try {
      checksum = await readFramed(source, async (data) => void (await file.write(data)));
    } finally {
      await file.close();
    }
    await runXl(runner, ['restore', '-p', '-e', cfgPath, tmp]);
    return checksum;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Runs xl to its end (stopped by `signal` or the timeout); rejects with xend's fault for its stderr. */
function runXl(runner: XenRunner, args: string[], signal?: AbortSignal): Promise<void> {
  const child = runner.spawn('xl', args, ['ignore', 'ignore', 'pipe']);
  const stop = () => child.kill('SIGTERM');
  const timer = setTimeout(stop, XL_IMAGE_TIMEOUT_MS);
  signal?.addEventListener('abort', stop, { once: true });
  return exitOf(child, 'xl', args).finally(() => {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  });
}
