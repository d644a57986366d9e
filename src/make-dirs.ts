import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`: creates `dir` and its missing parents with `mode`, returning the first
 * directory it made (undefined when `dir` was there), as `mkdirSync(dir, { recursive:
 * true })` does. Not that call itself: under /proc, where mkdir answers ENOENT for a
 * parent that exists, Node's recursion never ends (`XEND_ROOT=/proc/x xend start` spun
 * forever); here each parent is tried once. A directory that is there by the time it
 * is made (another process made it, or the path ends in `..`) is no error.
 */
export function makeDirs(dir: string, mode?: number): string | undefined {
  try {
    mkdirSync(dir, { mode });
    return dir;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && isDirectory(dir)) return undefined;
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw err;
    const first = makeDirs(parent, mode);
    try {
      mkdirSync(dir, { mode });
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(dir)) return first;
      throw again;
    }
    return first ?? dir;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false; // a dangling link: mkdir's own error says what is wrong
  }
}
