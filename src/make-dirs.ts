import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: creates `dir` and its missing parents with `mode`, returning the first
 * directory it made (undefined when `dir` was there), as `mkdirSync(dir, { recursive:
 * true })` does. Not that call itself: under /proc, where mkdir answers ENOENT for a
 * parent that exists, Node's recursion never ends (`XEND_ROOT=/proc/x xend start` spun
 * forever); here each parent is tried once.
 */
export function makeDirs(dir: string, mode?: number): string | undefined {
  try {
    mkdirSync(dir, { mode });
    return dir;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return undefined;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    const first = makeDirs(parent, mode);
    mkdirSync(dir, { mode });
    return first ?? dir;
  }
}
