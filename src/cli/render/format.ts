/** printf-style helpers, so tables come out byte for byte as xm's Python format strings made them. */

export const left = (v: unknown, w: number): string => String(v).padEnd(w);
export const right = (v: unknown, w: number): string => String(v).padStart(w);
/** `%W.Pf` */
export const fixed = (v: number, w: number, p: number): string => v.toFixed(p).padStart(w);
/** `%Wd`: Python's int() of the value, right-aligned. */
export const int = (v: number, w: number): string => String(Math.trunc(v)).padStart(w);

export function lines(rows: readonly string[]): string {
  return rows.length ? `${rows.join('\n')}\n` : '';
}
