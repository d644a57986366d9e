import type { ChildProcess } from 'node:child_process';
import { sinkOf, type ByteSink, type ByteSource } from '../../protocol/byte-stream.js';
import { framedOutput, readFramed } from '../image-frames.js';
import type { ImageStats, SaveImageOptions } from '../types.js';
import { toolError, type XenRunner } from './runner.js';

/** xl's progress lines and libxl's log, kept for the error: never more than this. */
const MAX_STDERR = 64 * 1024;

/**
 * `xl save -p DOMID /proc/self/fd/1`: xl's own image, read from its stdout and
 * framed into xend's stream as it comes (no temporary file in dom0). The domain
 * is left suspended and paused for xend to destroy; xl resumes it if it fails.
 */
export async function saveWithXl(runner: XenRunner, domid: number, sink: ByteSink, opts: SaveImageOptions): Promise<ImageStats> {
  const started = Date.now();
  const args = ['save', '-p', String(domid), '/proc/self/fd/1'];
  const child = runner.spawn('xl', args, ['ignore', 'pipe', 'pipe']);
  const done = exited(child, args);
  // Awaited once xl's output ends: a failure before that is not an unhandled rejection.
  done.catch(() => undefined);
  const out = framedOutput(sink);
  const stop = () => child.kill('SIGTERM');
  opts.signal?.addEventListener('abort', stop, { once: true });
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      opts.signal?.throwIfAborted();
      await out.write(chunk);
      opts.progress?.({ round: 1, pagesSent: Math.floor(out.bytes / 4096), bytesSent: out.bytes, dirtyPages: 0, elapsedMs: Date.now() - started });
    }
    await done;
    // xl that wrote its image somewhere else (a path that was no pipe) sent nothing here.
    if (out.bytes === 0) throw new Error('xl save sent no image');
    await opts.suspend();
    const checksum = await out.end();
    return { rounds: 1, pages: Math.floor(out.bytes / 4096), bytes: out.bytes, downtimeMs: Date.now() - started, checksum };
  } catch (err) {
    stop();
    await done.catch(() => undefined);
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', stop);
  }
}

/** `xl restore -p -e CFG /proc/self/fd/0`: xend's stream unframed into xl; returns the image's checksum. */
export async function restoreWithXl(runner: XenRunner, cfgPath: string, source: ByteSource): Promise<string> {
  const args = ['restore', '-p', '-e', cfgPath, '/proc/self/fd/0'];
  const child = runner.spawn('xl', args, ['pipe', 'ignore', 'pipe']);
  const done = exited(child, args);
  // xl that gave up early closes its stdin: the write fails, and xl's reason is in `done`.
  done.catch(() => undefined);
  const stdin = sinkOf(child.stdin!);
  try {
    const checksum = await readFramed(source, (data) => stdin.write(data));
    child.stdin!.end();
    await done;
    return checksum;
  } catch (err) {
    child.kill('SIGTERM');
    const why = await done.then(() => null, (e: Error) => e);
    throw why ?? err;
  }
}

/** Resolves when the tool exits 0; rejects with xend's fault for its stderr otherwise. */
function exited(child: ChildProcess, args: string[]): Promise<void> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (t: string) => {
    if (stderr.length < MAX_STDERR) stderr += t;
  });
  child.stdin?.on('error', () => {});
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(toolError('xl', args, stderr, err)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(toolError('xl', args, stderr, Object.assign(new Error(`exit status ${code ?? signal}`), { killed: signal !== null })));
    });
  });
}
