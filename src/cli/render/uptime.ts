import { left, right } from './format.js';

export interface UptimeRow {
  name: string;
  domid: number | null;
  uptime_s: number;
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

/** `xm uptime`: `'%-33s %4s %s '` header and rows; -s: one uptime(1)-style line each. */
export function uptimeTable(domains: readonly UptimeRow[], short: boolean): string {
  if (short) {
    const clock = new Date().toTimeString().slice(0, 8);
    return domains.map((d) => ` ${clock} up ${duration(d.uptime_s, false)}, ${d.name} (${d.domid ?? ''})\n`).join('');
  }
  const header = `${left('Name', 33)} ${right('ID', 4)} Uptime \n`;
  return header + domains.map((d) => `${left(d.name, 32)} ${right(d.domid ?? '', 5)} ${duration(d.uptime_s, true)}\n`).join('');
}
