import { CliError, WaitTimeoutError } from '../errors.js';
import type { CommandContext } from '../context.js';

interface MigrateData {
  domain: string;
  destination: string;
  result: Record<string, unknown> | null;
}

const POLL_MS = 250;
const MiB = 1024 * 1024;

/**
 * `xm migrate [-l] [-p port] [-n node] [-s] [-c] DOM HOST`. Blocks like xm did;
 * added: progress while it runs (spinner on a terminal, JSON lines with --json),
 * `--timeout SECONDS` and Ctrl-C, both of which cancel cleanly and leave the
 * domain running here.
 */
export async function run(ctx: CommandContext): Promise<MigrateData> {
  const [dom, host] = ctx.args as [string, string];
  const o = ctx.opts;
  const timeout = o.number('timeout') ?? null;
  const client = ctx.client();
  const { uuid } = await client.domain(dom);
  let cancelled: 'interrupt' | 'timeout' | null = null;
  const cancel = (why: 'interrupt' | 'timeout') => {
    cancelled ??= why;
    void client.migrateCancel(uuid).catch(() => {});
  };
  const onSigint = () => cancel('interrupt');
  process.on('SIGINT', onSigint);
  const timer = timeout === null ? null : setTimeout(() => cancel('timeout'), timeout * 1000);
  let finished = false;
  const call = client
    .migrate(dom, host, { live: o.has('live'), port: o.number('port') ?? 0, node: o.number('node') ?? -1, ssl: o.has('ssl') ? true : null, changeHome: o.has('change_home_server') })
    .finally(() => (finished = true));
  const watch = (async () => {
    let last = -1;
    while (!finished) {
      await new Promise((r) => setTimeout(r, POLL_MS));
      const p = await client.migrateProgress(uuid).catch(() => null);
      if (!p || finished || p.bytesSent === undefined || p.bytesSent === last) continue;
      last = Number(p.bytesSent);
      const mib = last / MiB;
      const rate = mib / (Number(p.elapsedMs) / 1000 || 1);
      ctx.progress(`Migrating ${dom} to ${host}: ${progressLine(p, mib, rate)}`);
      if (ctx.json) {
        ctx.event('', { domain: dom, phase: p.phase, round: p.round, bytes_sent: last, pages_sent: p.pagesSent, dirty_pages: p.dirtyPages, elapsed_ms: p.elapsedMs, rate_mib_per_s: Number(rate.toFixed(2)) });
      }
    }
  })();
  try {
    const result = await call;
    if (result) ctx.summary(`Migrated ${dom} to ${host} in ${seconds(Number(result.totalMs))}, ${size(Number(result.bytes))}, downtime ${Number(result.downtimeMs)} ms`);
    return { domain: dom, destination: host, result };
  } catch (err) {
    if (cancelled === 'timeout') throw new WaitTimeoutError(`Migration of ${dom} cancelled after ${timeout} seconds; it still runs here`);
    if (cancelled === 'interrupt') throw new CliError(`Migration of ${dom} cancelled; it still runs here`, 130);
    throw err;
  } finally {
    process.off('SIGINT', onSigint);
    if (timer) clearTimeout(timer);
    await watch;
  }
}

/** Round, how much of it is sent, the rate and what is left at that rate (xl's and virsh --verbose's line). */
export function progressLine(p: Record<string, unknown>, mib: number, rate: number): string {
  const dirty = Number(p.dirtyPages ?? 0);
  const roundPages = Number(p.roundPages ?? (p.round === 1 ? p.memoryPages : 0));
  const done = roundPages > 0 ? `, ${Math.floor((100 * (roundPages - dirty)) / roundPages)}% of the round` : '';
  const eta = dirty > 0 && rate > 0 ? `, about ${seconds(((dirty * 4096) / MiB / rate) * 1000)} left` : '';
  const paused = p.phase === 'suspended' ? ', paused for the last pages' : '';
  return `round ${String(p.round)}${done}, ${mib.toFixed(1)} MiB sent, ${rate.toFixed(1)} MiB/s${eta}${paused}`;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const size = (bytes: number): string => (bytes >= 1024 * MiB ? `${(bytes / 1024 / MiB).toFixed(1)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`);

export const text = (): string => '';

export function json(d: MigrateData) {
  const r = d.result ?? {};
  return {
    domain: d.domain,
    destination: d.destination,
    total_ms: r.totalMs ?? null,
    downtime_ms: r.downtimeMs ?? null,
    bytes: r.bytes ?? null,
    pages: r.pages ?? null,
    rounds: r.rounds ?? null,
    checksum: r.checksum ?? null,
  };
}
