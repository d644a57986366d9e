import { readFileSync } from 'node:fs';
import { uptimeTable, type UptimeRow } from '../render/uptime.js';
import type { CommandContext } from '../context.js';

/** Domain-0's uptime is the host's, read from /proc/uptime as xm did (xm runs in dom0). */
function hostUptime(): number {
  try {
    return Number.parseFloat(readFileSync('/proc/uptime', 'utf8'));
  } catch {
    return 0;
  }
}

export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const records = ctx.args.length ? await Promise.all(ctx.args.map((d) => client.domain(d))) : await client.domains('all');
  const now = Date.now() / 1000;
  const rows: UptimeRow[] = records.map((d) => ({
    name: d.name,
    domid: d.domid,
    uptime_s: d.domid === 0 ? Math.round(hostUptime()) : d.domid === null || d.startTime === null ? 0 : Math.round(now - d.startTime),
  }));
  return { short: ctx.opts.has('short'), domains: rows };
}

export const text = (data: { short: boolean; domains: UptimeRow[] }): string => uptimeTable(data.domains, data.short);
