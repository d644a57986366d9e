/** printf-style helpers, so tables come out byte for byte as xm's Python format strings made them. */

/**
 * Runs of spaces by length, made once: String#padEnd and padStart build their filler anew at
 * each call (a 40-column name leaves ~250 bytes of garbage), and a table of a thousand rows
 * then costs the short-lived xm a garbage collection or two.
 */
const SPACES = Array.from({ length: 41 }, (_, n) => ' '.repeat(n));
const spaces = (n: number): string => SPACES[n] ?? ' '.repeat(n);

/** `%-Ws` */
export function left(v: unknown, w: number): string {
  const s = String(v);
  return s.length < w ? s + spaces(w - s.length) : s;
}
/** `%Ws` */
export function right(v: unknown, w: number): string {
  const s = String(v);
  return s.length < w ? spaces(w - s.length) + s : s;
}
/** `%W.Pf` */
export const fixed = (v: number, w: number, p: number): string => right(v.toFixed(p), w);
/** `%Wd`: Python's int() of the value, right-aligned. */
export const int = (v: number, w: number): string => right(Math.trunc(v), w);

export function lines(rows: readonly string[]): string {
  return rows.length ? `${rows.join('\n')}\n` : '';
}
