/**
 * Shared pieces of the reliability suite: a seeded generator (so every failure
 * can be replayed with RELIABILITY_SEED), env knobs for long runs, direct XML-RPC
 * calls to a test xend, the worker's pid and memory, raw sockets, and SXP record
 * helpers. Not a test file itself (it registers no tests).
 */
import { readFileSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { XmlRpcTransport } from '../../src/transport/xmlrpc.js';
import { XendFaultError, XendUnreachableError } from '../../src/transport/errors.js';
import type { XmlRpcValue } from '../../src/protocol/xmlrpc/index.js';
import type { TestXend } from '../helpers/xend.js';

/** An integer env knob: the short CI value unless the variable says otherwise. */
export function knob(name: string, dflt: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, got '${raw}'`);
  return n;
}

/** The seed of every generator in the suite (printed by each test, so a failure can be replayed). */
export const SEED = knob('RELIABILITY_SEED', 20_261_125);

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0 || 1;
  }

  /** A uniformly distributed float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }

  /** A random version-4 UUID (from this generator, so replayable). */
  uuid(): string {
    const h = Array.from({ length: 32 }, () => this.int(16).toString(16));
    h[12] = '4';
    h[16] = '89ab'[this.int(4)]!;
    const s = h.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  }

  /** A child generator, so adding draws in one place does not shift every other sequence. */
  fork(salt: number): Rng {
    return new Rng((this.int(0x7fffffff) ^ Math.imul(salt + 1, 0x9e3779b1)) >>> 0);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A direct XML-RPC client on a test xend's Unix socket. */
export function rpc(x: TestXend) {
  const t = new XmlRpcTransport({ protocol: 'xmlrpc', socketPath: x.path('var/run/xend/xmlrpc.sock') });
  return (method: string, ...params: XmlRpcValue[]) => t.call(method, params, { timeoutMs: 60_000 });
}

export type Call = ReturnType<typeof rpc>;

/** Whether an error means "xend went away" (the request's fate is unknown) rather than a refusal. */
export function isConnectionLoss(err: unknown): boolean {
  if (err instanceof XendFaultError) return false;
  // The transport's word for it (any errno: a worker killed mid-write is EPIPE, 'Broken pipe'), or the raw error.
  if (err instanceof XendUnreachableError) return true;
  return /connect|reset|hang up|closed|EPIPE|Broken pipe|ENOENT|ECONNREFUSED|No such file|refused|timed out|ProtocolError|socket/i.test(String((err as Error)?.message ?? err));
}

/** The fault code of a failed call, or null when it was not a fault. */
export function faultCode(err: unknown): number | null {
  return err instanceof XendFaultError ? err.faultCode : null;
}

/** The worker's pid from the pid file (0 while it is being replaced). */
export function workerPid(x: TestXend): number {
  try {
    return Number(readFileSync(x.path('var/run/xend.pid'), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/** Waits until the monitor has started a worker other than `old` and it answers calls. */
export async function waitForNewWorker(x: TestXend, old: number, timeoutMs = 20_000): Promise<number> {
  const call = rpc(x);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = workerPid(x);
    if (pid && pid !== old) {
      try {
        await call('xend.domains_with_state', false, 'all', false);
        return pid;
      } catch {
        // listening soon
      }
    }
    if (Date.now() > deadline) throw new Error(`no new xend worker (old pid ${old}) within ${timeoutMs} ms`);
    await sleep(50);
  }
}

/** Waits until xend answers a call (whatever its pid). */
export async function waitForXend(x: TestXend, timeoutMs = 20_000): Promise<void> {
  const call = rpc(x);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await call('xend.domains_with_state', false, 'all', false);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`xend did not answer within ${timeoutMs} ms`);
      await sleep(50);
    }
  }
}

/** Resident memory of a process in KiB (Linux /proc). */
export function rssKiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Whether a process exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** One field of an SXP record: `(name value)` → value. */
export function field(record: unknown, name: string): unknown {
  if (!Array.isArray(record)) return undefined;
  const e = record.find((x) => Array.isArray(x) && x[0] === name) as unknown[] | undefined;
  return e?.[1];
}

export interface DomainState {
  domid: number;
  name: string;
  uuid: string;
  state: string;
  paused: boolean;
  shutdown: boolean;
}

/** Every domain as xend lists it (all states). */
export async function allDomains(call: Call): Promise<DomainState[]> {
  const records = (await call('xend.domains_with_state', true, 'all', false)) as unknown[];
  return records.map((r) => {
    const state = String(field(r, 'state'));
    return {
      domid: Number(field(r, 'domid')),
      name: String(field(r, 'name')),
      uuid: String(field(r, 'uuid')),
      state,
      paused: state[2] === 'p',
      shutdown: state[3] === 's' || state[4] === 'c',
    };
  });
}

export interface RawReply {
  data: Buffer;
  /** The server closed the connection (rather than our timeout ending it). */
  closed: boolean;
  ms: number;
}

/**
 * Sends bytes on a fresh connection (TCP port or Unix path), half-closes unless
 * told to keep writing, and collects the reply until the server closes or the
 * bounded wait ends.
 */
export function exchange(target: number | string, payload: Buffer | string, opts: { timeoutMs?: number; end?: boolean } = {}): Promise<RawReply> {
  const started = Date.now();
  return new Promise((resolve) => {
    const s: Socket = typeof target === 'number' ? createConnection({ host: '127.0.0.1', port: target }) : createConnection({ path: target });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve({ data: Buffer.concat(chunks), closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), opts.timeoutMs ?? 5000);
    s.on('connect', () => {
      s.write(payload);
      if (opts.end !== false) s.end();
    });
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('close', () => finish(true));
    s.on('error', () => finish(true));
  });
}

/** A report line every test prints, so the note can quote the counts of each run. */
export function report(t: { diagnostic(msg: string): void }, what: string, counts: Record<string, unknown>): void {
  const line = `${what}: ${Object.entries(counts).map(([k, v]) => `${k}=${String(v)}`).join(' ')}`;
  t.diagnostic(line);
  if (process.env.RELIABILITY_VERBOSE) process.stderr.write(`# ${line}\n`);
}

/**
 * Stops a test xend and makes sure neither its monitor nor its worker outlives
 * the test, even when the worker was killed or crashed (a `xend stop` that lands
 * while the monitor restarts the worker finds no live pid and stops nothing).
 */
export async function disposeXend(x: TestXend): Promise<void> {
  let monitor = 0;
  try {
    monitor = Number(JSON.parse(readFileSync(x.path('var/run/xend/status.json'), 'utf8')).monitorPid) || 0;
  } catch {
    // not started, or already gone
  }
  const worker = workerPid(x);
  if (monitor && !alive(monitor)) monitor = 0;
  await x.stop();
  for (let i = 0; i < 40 && ((monitor && alive(monitor)) || (worker && alive(worker))); i++) await sleep(50);
  for (const pid of [monitor, worker, workerPid(x)]) {
    if (pid && alive(pid) && isXend(pid)) process.kill(pid, 'SIGKILL');
  }
  await x.dispose();
}

function isXend(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('xend');
  } catch {
    return false;
  }
}


