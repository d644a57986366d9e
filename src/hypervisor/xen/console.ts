import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ReadStream, WriteStream } from 'node:tty';
import type { XenRunner } from './runner.js';

/** How long xenconsoled usually takes to publish a new domain's pty: past it xend says so, and waits on. */
const TTY_WAIT_MS = 15_000;
/** The longest pause between two looks for the pty: a loaded dom0 can take minutes, one without xenconsoled never publishes it. */
const TTY_POLL_MAX_MS = 10_000;
const TTY_PATH = /^\/dev\/pts\/\d{1,6}$/;
/** The most of xenconsoled's log replayed (the console service keeps console-limit KiB of it). */
const MAX_HISTORY = 1 << 20;

/** Where xenconsoled logs a domain: `DIR/guest-NAME.log`. */
export interface ConsoleLog {
  dir: string;
  name: string;
}

/**
 * The end of the log xenconsoled keeps of a domain (`DIR/guest-NAME.log`): a
 * regular file, not followed through a link, at most MAX_HISTORY bytes; '' where
 * there is none.
 */
export function loggedOutput({ dir, name }: ConsoleLog): string {
  // A name with a slash (Xen's, not xend's: a domain made with xl) names no file of the folder.
  if (!isAbsolute(dir) || !name || name.includes('/')) return '';
  let fd = -1;
  try {
    fd = openSync(join(dir, `guest-${name}.log`), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const st = fstatSync(fd);
    if (!st.isFile()) return '';
    const length = Math.min(st.size, MAX_HISTORY);
    const text = Buffer.alloc(length);
    return text.toString('latin1', 0, readSync(fd, text, 0, length, st.size - length));
  } catch {
    return ''; // no log: xenconsoled keeps none for it
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/**
 * A domain's console: the pty xenconsoled publishes in
 * /local/domain/<id>/console/tty, read for the console service and written
 * with what is typed at it. xenconsoled keeps the other end (and its log).
 */
export class XenConsole {
  private reader: ReadStream | null = null;
  private writer: WriteStream | null = null;
  private closed = false;

  constructor(
    private readonly domid: number,
    private readonly runner: XenRunner,
    private readonly onOutput: (text: string) => void,
    private readonly onError: (message: string) => void,
    private readonly history?: ConsoleLog,
  ) {
    void this.open();
  }

  write(data: Buffer): void {
    this.writer?.write(data);
  }

  close(): void {
    this.closed = true;
    this.reader?.destroy();
    this.writer?.destroy();
  }

  private async open(): Promise<void> {
    const tty = await this.publishedTty();
    if (this.closed) return;
    // After a wait, never from the constructor: the console service learns of the domain once the backend has built it.
    const told = this.history ? loggedOutput(this.history) : '';
    if (told) this.onOutput(told);
    if (!TTY_PATH.test(tty)) return this.onError(`console tty "${tty.slice(0, 64)}" is not a pty`);
    let rfd = -1;
    try {
      rfd = openSync(tty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      const wfd = openSync(tty, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
      this.reader = new ReadStream(rfd);
      // No echo, no line editing: the guest's bytes as they are (xenconsoled set the same).
      this.reader.setRawMode(true);
      this.writer = new WriteStream(wfd);
    } catch (err) {
      if (rfd >= 0 && !this.reader) closeSync(rfd);
      return this.onError(`cannot open ${tty}: ${(err as Error).message}`);
    }
    this.reader.setEncoding('latin1');
    this.reader.on('data', (text: string) => this.onOutput(text));
    this.reader.on('error', () => {});
    this.writer.on('error', () => {});
  }

  /** The pty's path once xenconsoled wrote it, looked for until then (or until the console closes). */
  private async publishedTty(): Promise<string> {
    const warnAt = Date.now() + TTY_WAIT_MS;
    let warned = false;
    for (let pause = 250; !this.closed; pause = Math.min(pause * 2, TTY_POLL_MAX_MS)) {
      const tty = await this.runner
        .run('xenstore-read', [`/local/domain/${this.domid}/console/tty`], { timeoutMs: 10_000 })
        .then((r) => r.stdout.trim(), () => '');
      if (tty) return tty;
      if (!warned && Date.now() > warnAt) {
        warned = true;
        this.onError(`xenconsoled has published no console tty in ${TTY_WAIT_MS / 1000} s; xend waits for it`);
      }
      // Not a reason to keep a process alive: a closed console's wait ends with it.
      await new Promise((r) => setTimeout(r, pause).unref());
    }
    return '';
  }
}
