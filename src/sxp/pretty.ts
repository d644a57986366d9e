import { show } from './show.js';
import type { Sxp } from './types.js';

/**
 * PrettyPrint.prettyprint (`xm list -l`, `xm create -n`), with its trailing newline.
 * xend's Oppen-style printer reduces to this: a list that fits in what is left of
 * the line is printed flat; otherwise its first element follows the `(`, every
 * other one goes on its own line indented 4 past the `(`, and the `)` gets a line
 * of its own at the `(` column.
 */
export function prettyPrint(v: Sxp, width = 80): string {
  const out: string[] = [];
  layout(v, 0, width, out);
  out.push('\n');
  return out.join('');
}

function layout(v: Sxp, column: number, width: number, out: string[]): void {
  const flat = show(v);
  if (!Array.isArray(v) || flat.length <= width - column) {
    out.push(flat);
    return;
  }
  out.push('(');
  v.forEach((x, i) => {
    if (i > 0) out.push(`\n${' '.repeat(column + 4)}`);
    layout(x, column + (i > 0 ? 4 : 1), width, out);
  });
  out.push(`\n${' '.repeat(column)})`);
}
