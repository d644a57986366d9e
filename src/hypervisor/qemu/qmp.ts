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
}

/**
 * One long-lived QMP connection to a QEMU process (a QMP socket serves one client
 * at a time, so xend owns it and everyone goes through here). Replies arrive in
 * command order; events (`{"event": …}`) are re-emitted as 'event'.
 */
export class QmpClient extends EventEmitter {
  private buffer = '';
  private readonly queue: Pending[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      for (const p of this.queue.splice(0)) p.reject(new Error('QMP connection closed'));
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

  execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('QMP connection closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ resolve: resolve as (v: unknown) => void, reject });
      this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
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
      else if ('return' in msg) this.queue.shift()?.resolve(msg.return);
      else if ('error' in msg) {
        const e = msg.error as { class?: string; desc?: string };
        this.queue.shift()?.reject(new QmpError(e.class ?? 'GenericError', e.desc ?? 'QMP error'));
      }
    }
  }
}
