import { UsageError, WaitTimeoutError } from '../errors.js';
import { hasState, hasStopped } from '../../protocol/domain.js';
import type { CommandContext } from '../context.js';

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
  const timeout = o.number('timeout') ?? null;
  if (timeout !== null && !wait) throw new UsageError('--timeout needs -w');
  const client = ctx.client();

  let targets: { name: string; domid: number | null }[];
  if (o.has('all')) {
    targets = (await client.domains('all')).filter((d) => d.domid !== 0 && d.domid !== null && !hasStopped(d.state));
  } else {
    if (ctx.args.length === 0) throw new UsageError('No domain parameter given');
    if (ctx.args.length > 1) throw new UsageError('No multiple domain parameters allowed');
    // Only -w needs to know the domain beforehand (its name and id); xm's shutdown is one call.
    targets = [wait ? await client.domain(ctx.args[0]!) : { name: ctx.args[0]!, domid: null }];
  }
  const names = targets.map((d) => d.name);
  // A rebooted domain is a new domain under the same name: its id tells (xm asked each one's restart count every poll).
  const before = new Map(targets.map((d) => [d.name, d.domid]));
  for (const name of names) await client.shutdown(name, mode);
  const data: ShutdownData = { mode, wait, domains: names.map((name) => ({ name, outcome: 'requested' })) };
  if (!wait) return data;

  const deadline = timeout === null ? Infinity : Date.now() + timeout * 1000;
  const missingSince = new Map<string, number>();
  const pending = new Set(names);
  const toldPaused = new Set<string>();
  while (pending.size) {
    ctx.progress(`Waiting for ${[...pending].join(', ')} to ${mode === 'reboot' ? 'reboot' : 'shut down'}…`);
    // A managed domain that stopped is still listed, without an id: it is gone all the same.
    const live = new Map((await client.domains('all')).filter((d) => d.domid !== null).map((d) => [d.name, d]));
    for (const name of [...pending]) {
      const d = live.get(name);
      const outcome = settle(name, d, mode, before.get(name), missingSince);
      // xm returned at once for a paused domain (it waited only on running ones); this waits, and says why once.
      if (!outcome && d && hasState(d.state, 'paused') && !toldPaused.has(name)) {
        toldPaused.add(name);
        ctx.progress(null);
        ctx.warn(`Domain ${name} is paused; it will shut down when unpaused${timeout === null ? ' (--timeout SECONDS gives up waiting)' : ''}.`);
      }
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

/** Whether one domain has finished: gone (or shut down and preserved), or back under a new id. */
function settle(name: string, d: { state: string; domid: number | null } | undefined, mode: Mode, idBefore: number | null | undefined, missingSince: Map<string, number>): Outcome | null {
  if (mode !== 'reboot') return !d || hasStopped(d.state) ? 'terminated' : null;
  if (!d) {
    const since = missingSince.get(name) ?? Date.now();
    missingSince.set(name, since);
    return Date.now() - since > REBOOT_GRACE_MS ? 'destroyed' : null;
  }
  missingSince.delete(name);
  return d.domid !== idBefore ? 'rebooted' : null;
}

export function text(data: ShutdownData): string {
  if (!data.wait) return '';
  return data.mode === 'reboot' ? 'All domains rebooted\n' : 'All domains terminated\n';
}

