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
