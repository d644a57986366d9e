import { CliError, UsageError, WaitTimeoutError } from '../errors.js';
import type { CommandContext } from '../context.js';
import type { XendClient } from '../../client/xend-client.js';

type Mode = 'poweroff' | 'halt' | 'reboot';
type Outcome = 'requested' | 'terminated' | 'rebooted' | 'destroyed';

interface ShutdownData {
  mode: Mode;
  wait: boolean;
  domains: { name: string; outcome: Outcome }[];
}

/** How often -w looks again (xm polled every second; the result is the same, only sooner). */
const POLL_MS = 250;
/** xm gave a rebooting domain 30 polls of absence before calling it destroyed. */
const REBOOT_GRACE_MS = 30_000;

/** `xm shutdown [-waRH]` and `xm reboot [-wa]` (= shutdown -R), shutdown.py's rules. */
export async function run(ctx: CommandContext): Promise<ShutdownData> {
  const o = ctx.opts;
  if (o.has('halt') && o.has('reboot')) throw new UsageError("Can't specify halt and reboot");
  const mode: Mode = ctx.command === 'reboot' || o.has('reboot') ? 'reboot' : o.has('halt') ? 'halt' : 'poweroff';
  const wait = o.has('wait');
  const timeout = parseTimeout(o.get('timeout'));
  if (timeout !== null && !wait) throw new UsageError('--timeout needs -w');
  const client = ctx.client();

  let names: string[];
  if (o.has('all')) {
    names = (await client.domains('all')).filter((d) => d.domid !== 0 && d.domid !== null && !/[sc]/.test(d.state)).map((d) => d.name);
  } else {
    if (ctx.args.length === 0) throw new UsageError('No domain parameter given');
    if (ctx.args.length > 1) throw new UsageError('No multiple domain parameters allowed');
    names = [(await client.domain(ctx.args[0]!)).name];
  }
  const before = new Map<string, number>();
  for (const name of names) {
    if (mode === 'reboot' && wait) before.set(name, await client.restartCount(name));
    await client.shutdown(name, mode);
  }
  const data: ShutdownData = { mode, wait, domains: names.map((name) => ({ name, outcome: 'requested' })) };
  if (!wait) return data;

  const deadline = timeout === null ? Infinity : Date.now() + timeout * 1000;
  const missingSince = new Map<string, number>();
  const pending = new Set(names);
  while (pending.size) {
    ctx.progress(`Waiting for ${[...pending].join(', ')} to ${mode === 'reboot' ? 'reboot' : 'shut down'}…`);
    // A managed domain that stopped is still listed, without an id: it is gone all the same.
    const live = new Map((await client.domains('all')).filter((d) => d.domid !== null).map((d) => [d.name, d]));
    for (const name of [...pending]) {
      const outcome = await settle(client, name, live.get(name), mode, before.get(name), missingSince);
      if (!outcome) continue;
      pending.delete(name);
      data.domains.find((d) => d.name === name)!.outcome = outcome;
      const verb = outcome === 'destroyed' ? 'destroyed for failing to reboot' : outcome;
      ctx.event(`Domain ${name} ${verb}`, { domain: name, outcome });
    }
    if (!pending.size) break;
    if (Date.now() > deadline) {
      throw new WaitTimeoutError(`Timed out after ${timeout} seconds waiting for ${[...pending].join(', ')}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return data;
}

/** Whether one domain has finished: gone (or shut down and preserved), or back with a new restart count. */
async function settle(
  client: XendClient,
  name: string,
  d: { state: string } | undefined,
  mode: Mode,
  countBefore: number | undefined,
  missingSince: Map<string, number>,
): Promise<Outcome | null> {
  if (mode !== 'reboot') return !d || /[sc]/.test(d.state) ? 'terminated' : null;
  if (!d) {
    const since = missingSince.get(name) ?? Date.now();
    missingSince.set(name, since);
    return Date.now() - since > REBOOT_GRACE_MS ? 'destroyed' : null;
  }
  missingSince.delete(name);
  return (await client.restartCount(name)) !== countBefore ? 'rebooted' : null;
}

function parseTimeout(v: string | true | undefined): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (typeof v !== 'string' || !Number.isFinite(n) || n < 0) throw new CliError(`Invalid timeout: ${String(v)}`, 1, true);
  return n;
}

export function text(data: ShutdownData): string {
  if (!data.wait) return '';
  return data.mode === 'reboot' ? 'All domains rebooted\n' : 'All domains terminated\n';
}

export function json(data: ShutdownData) {
  return { version: 1, ...data };
}
