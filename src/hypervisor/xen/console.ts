import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import type { XenRunner } from './runner.js';

/** How long xenconsoled may take to publish a new domain's pty. */
const TTY_WAIT_MS = 15_000;
const TTY_PATH = /^\/dev\/pts\/\d{1,6}$/;

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
    const deadline = Date.now() + TTY_WAIT_MS;
    let tty = '';
    while (!this.closed && !tty) {
      tty = await this.runner
        .run('xenstore-read', [`/local/domain/${this.domid}/console/tty`], { timeoutMs: 10_000 })
        .then((r) => r.stdout.trim(), () => '');
      if (tty || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    if (this.closed) return;
    if (!TTY_PATH.test(tty)) return this.onError(tty ? `console tty "${tty.slice(0, 64)}" is not a pty` : 'xenconsoled published no console tty');
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
}
