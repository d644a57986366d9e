import { connect, type Socket } from 'node:net';
import { EventEmitter } from 'node:events';

export class QmpError extends Error {
  constructor(
    readonly qmpClass: string,
    message: string,
  ) {
    super(message);
  }
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
}

/** How long a QMP command may go unanswered (a stopped or wedged QEMU never answers). */
export const QMP_DEADLINE_MS = 10_000;

/**
 * One long-lived QMP connection to a QEMU process (a QMP socket serves one client
 * at a time, so xend owns it and everyone goes through here). Each command
 * carries an id its reply echoes, so a reply that comes after its deadline is
 * dropped rather than taken for the next one; events (`{"event": …}`) are
 * re-emitted as 'event'.
 */
export class QmpClient extends EventEmitter {
  private buffer = '';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) {
        clearTimeout(p.timer);
        p.reject(new Error('QMP connection closed'));
      }
      this.pending.clear();
      this.emit('close');
    });
    socket.on('error', () => {});
  }

  /** Connects, reads the greeting and leaves capabilities negotiation mode. */
  static async open(path: string, timeoutMs = 5000): Promise<QmpClient> {
    const socket = await new Promise<Socket>((resolve, reject) => {
      const s = connect(path);
      const timer = setTimeout(() => s.destroy(new Error(`QMP ${path}: no answer`)), timeoutMs);
      s.once('connect', () => {
        clearTimeout(timer);
        resolve(s);
      });
      s.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    const client = new QmpClient(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`QMP ${path}: no greeting`)), timeoutMs);
      client.once('greeting', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.execute('qmp_capabilities');
    return client;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  execute<T = unknown>(command: string, args?: Record<string, unknown>, deadlineMs = QMP_DEADLINE_MS): Promise<T> {
    if (this.closed) return Promise.reject(new Error('QMP connection closed'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`QEMU did not answer ${command} within ${Math.round(deadlineMs / 1000)} s`));
      }, deadlineMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.socket.write(`${JSON.stringify({ execute: command, ...(args && { arguments: args }), id })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private settle(msg: Record<string, unknown>): void {
    const p = typeof msg.id === 'number' ? this.pending.get(msg.id) : undefined;
    if (!p) return;
    this.pending.delete(msg.id as number);
    clearTimeout(p.timer);
    if ('return' in msg) p.resolve(msg.return);
    else {
      const e = (msg.error ?? {}) as { class?: string; desc?: string };
      p.reject(new QmpError(e.class ?? 'GenericError', e.desc ?? 'QMP error'));
    }
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: Record<string, unknown>;
      try {
        msg = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if ('QMP' in msg) this.emit('greeting', msg.QMP);
      else if ('event' in msg) this.emit('event', msg.event, msg.data ?? {});
      else this.settle(msg);
    }
  }
}
