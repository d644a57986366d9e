import { CliError, WaitTimeoutError } from '../errors.js';
import { runTransfer, seconds, size } from '../transfer-progress.js';
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
  const opts = { live: o.has('live'), port: o.number('port') ?? 0, node: o.number('node') ?? -1, ssl: o.has('ssl') ? true : null, changeHome: o.has('change_home_server') };
  const result = await runTransfer(ctx, client, () => client.migrate(dom, host, opts), {
    id: uuid,
    label: `Migrating ${dom} to ${host}`,
    event: (p, rate) =>
      ctx.event('', { domain: dom, phase: p.phase, round: p.round, bytes_sent: p.bytesSent, pages_sent: p.pagesSent, dirty_pages: p.dirtyPages, elapsed_ms: p.elapsedMs, rate_mib_per_s: Number(rate.toFixed(2)) }),
    timeoutS: timeout,
    cancelled: (why) =>
      why === 'timeout'
        ? new WaitTimeoutError(`Migration of ${dom} cancelled after ${timeout} seconds; it still runs here`)
        : new CliError(why === 'quit' ? `Stopped waiting for xend to cancel the migration of ${dom}` : `Migration of ${dom} cancelled; it still runs here`, 130),
  });
  if (result) ctx.summary(`Migrated ${dom} to ${host} in ${seconds(Number(result.totalMs))}, ${size(Number(result.bytes))}, downtime ${Number(result.downtimeMs)} ms`);
  return { domain: dom, destination: host, result };
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
