import { readFileSync } from 'node:fs';
import { left, right } from '../render/format.js';
import type { CommandContext } from '../context.js';

interface UptimeRow {
  name: string;
  domid: number | null;
  uptime_s: number;
}

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

/** `[N day[s], ]H:MM:SS` with the hour padded to two columns, as xm printed it. */
function duration(seconds: number, withSeconds: boolean): string {
  const s = Math.floor(seconds);
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const dayText = days ? `${days} day${days === 1 ? '' : 's'}, ` : '';
  return `${dayText}${String(h).padStart(2)}:${String(m).padStart(2, '0')}${withSeconds ? `:${String(s % 60).padStart(2, '0')}` : ''}`;
}

export function text(data: { short: boolean; domains: UptimeRow[] }): string {
  if (data.short) {
    const clock = new Date().toTimeString().slice(0, 8);
    return data.domains.map((d) => ` ${clock} up ${duration(d.uptime_s, false)}, ${d.name} (${d.domid ?? ''})\n`).join('');
  }
  const header = `${left('Name', 33)} ${right('ID', 4)} Uptime \n`;
  return header + data.domains.map((d) => `${left(d.name, 32)} ${right(d.domid ?? '', 5)} ${duration(d.uptime_s, true)}\n`).join('');
}
