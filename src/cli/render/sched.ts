import { left, right } from './format.js';

export interface CreditRow {
  name: string;
  domid: number | null;
  weight: number;
  cap: number;
}

/** `'%-33s %4s %6s %4s'` header, `'%(name)-32s %(domid)5s %(weight)6d %(cap)4d'` rows. */
export function creditTable(domains: readonly CreditRow[]): string {
  const header = `${left('Name', 33)} ${right('ID', 4)} ${right('Weight', 6)} ${right('Cap', 4)}\n`;
  return header + domains.map((r) => `${left(r.name, 32)} ${right(r.domid ?? '', 5)} ${right(Math.trunc(r.weight), 6)} ${right(Math.trunc(r.cap), 4)}\n`).join('');
}

export interface Credit2Row {
  name: string;
  domid: number | null;
  weight: number;
}

/** `'%-33s %4s %6s'` header, `'%(name)-32s %(domid)5s %(weight)6d'` rows. */
export function credit2Table(domains: readonly Credit2Row[]): string {
  const header = `${left('Name', 33)} ${right('ID', 4)} ${right('Weight', 6)}\n`;
  return header + domains.map((r) => `${left(r.name, 32)} ${right(r.domid ?? '', 5)} ${right(Math.trunc(r.weight), 6)}\n`).join('');
}

export interface SedfRow {
  name: string;
  /** As xend's cpu_sedf_get said it (-1 when the domain gave no answer). */
  domid: number;
  /** In ns, as xend has them. */
  period: number;
  slice: number;
  latency: number;
  extratime: number;
  weight: number;
}

/** xm's sched-sedf header: `'%-33s %4s %-4s %-4s %-7s %-5s %-6s'`. */
export const SEDF_HEADER = `${left('Name', 33)} ${right('ID', 4)} ${left('Period(ms)', 4)} ${left('Slice(ms)', 4)} ${left('Lat(ms)', 7)} ${left('Extra', 5)} ${left('Weight', 6)}\n`;

/** print_sedf: `'%(name)-32s %(domid)5d %(period)9.1f %(slice)9.1f %(latency)7.1f %(extratime)6d %(weight)6d'`, times in ms. */
export function sedfRow(r: SedfRow): string {
  const ms = (ns: number, w: number) => (ns * 0.000001).toFixed(1).padStart(w);
  return `${left(r.name, 32)} ${right(Math.trunc(r.domid), 5)} ${ms(r.period, 9)} ${ms(r.slice, 9)} ${ms(r.latency, 7)} ${right(Math.trunc(r.extratime), 6)} ${right(Math.trunc(r.weight), 6)}\n`;
}
