import { CliError, WaitTimeoutError } from '../errors.js';
import { seconds, size, watchTransfer } from '../transfer-progress.js';
import type { CommandContext } from '../context.js';

interface MigrateData {
  domain: string;
  destination: string;
  result: Record<string, unknown> | null;
}


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
  const watch = watchTransfer(ctx, client, uuid, `Migrating ${dom} to ${host}`, () => finished, (p, rate) =>
    ctx.event('', { domain: dom, phase: p.phase, round: p.round, bytes_sent: p.bytesSent, pages_sent: p.pagesSent, dirty_pages: p.dirtyPages, elapsed_ms: p.elapsedMs, rate_mib_per_s: Number(rate.toFixed(2)) }),
  );
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
