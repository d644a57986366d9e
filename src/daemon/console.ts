/**
 * Per-domain console output kept by xend, as xenconsoled kept it: a buffer bounded
 * by console-limit KiB that drops the oldest output, any number of readers, one
 * writer at a time. A slow reader loses output rather than stalling the guest.
 * Consoles are keyed by domain uuid, so a reader stays attached across a reboot.
 */
export interface ConsoleClient {
  /** Output for this client; returns false when the client cannot keep up. */
  send(text: string): boolean;
  /** The domain is gone for good. */
  end(reason: string): void;
}

export class ConsoleBusyError extends Error {}

class ConsoleBuffer {
  private chunks: string[] = [];
  private size = 0;

  constructor(private readonly limit: number) {}

  append(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    while (this.size > this.limit && this.chunks.length) {
      const excess = this.size - this.limit;
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
      }
    }
  }

  /** The buffered output, or only its last `lines` lines. */
  history(lines?: number): string {
    const all = this.chunks.join('');
    this.chunks = all ? [all] : [];
    if (lines === undefined) return all;
    const parts = all.split('\n');
    return parts.slice(Math.max(0, parts.length - lines - 1)).join('\n');
  }
}

interface Console {
  buffer: ConsoleBuffer;
  readers: Set<ConsoleClient>;
  writer: ConsoleClient | null;
}

export class ConsoleService {
  private readonly consoles = new Map<string, Console>();

  constructor(private readonly limitBytes: number) {}

  private get(uuid: string): Console {
    let c = this.consoles.get(uuid);
    if (!c) {
      c = { buffer: new ConsoleBuffer(this.limitBytes), readers: new Set(), writer: null };
      this.consoles.set(uuid, c);
    }
    return c;
  }

  output(uuid: string, text: string): void {
    const c = this.get(uuid);
    c.buffer.append(text);
    for (const r of c.readers) r.send(text);
  }

  history(uuid: string, lines?: number): string {
    return this.consoles.get(uuid)?.buffer.history(lines) ?? '';
  }

  /** Seeds a console with history carried from elsewhere (a restored or migrated domain). */
  seed(uuid: string, text: string): void {
    if (text) this.get(uuid).buffer.append(text);
  }

  /**
   * Attaches a client and returns the history it asked for (`replay`: all, or
   * the last N lines), which the caller sends before anything else. A writer is
   * refused while another is attached unless it forces, in which case the old
   * writer is told and kept as a reader.
   */
  attach(uuid: string, client: ConsoleClient, opts: { replay?: number | 'all'; write: boolean; force: boolean }): string {
    const c = this.get(uuid);
    if (opts.write && c.writer && !opts.force) throw new ConsoleBusyError('console is in use by another writer (use --force to take it over)');
    if (opts.write) {
      c.writer?.send('\r\n[xend: another client took over this console; you are now read-only]\r\n');
      c.writer = client;
    }
    c.readers.add(client);
    return opts.replay === undefined ? '' : c.buffer.history(opts.replay === 'all' ? undefined : opts.replay);
  }

  canWrite(uuid: string, client: ConsoleClient): boolean {
    return this.consoles.get(uuid)?.writer === client;
  }

  detach(uuid: string, client: ConsoleClient): void {
    const c = this.consoles.get(uuid);
    if (!c) return;
    c.readers.delete(client);
    if (c.writer === client) c.writer = null;
  }

  /** The domain was destroyed (not restarted): readers are told and the history dropped. */
  close(uuid: string, reason: string): void {
    const c = this.consoles.get(uuid);
    if (!c) return;
    for (const r of c.readers) r.end(reason);
    this.consoles.delete(uuid);
  }
}
