import { lstat, realpath } from 'node:fs/promises';
import { basename, dirname, join, sep } from 'node:path';
import { XendError } from '../protocol/faults.js';
import type { Method } from './methods.js';

export interface ConfinedDirs {
  /** xend-save-path: saves and restores. */
  save: string;
  /** The dump directory: core dumps. */
  dump: string;
}

/** The methods that name a file on xend's host: which argument, and the directory it must lie in. */
const PATH_ARGUMENTS: Record<string, { index: number; dir: keyof ConfinedDirs; option: string }> = {
  'xend.domain.save': { index: 1, dir: 'save', option: 'xend-save-path' },
  'xend.domain.restore': { index: 0, dir: 'save', option: 'xend-save-path' },
  'xend.domain.dump': { index: 1, dir: 'dump', option: 'the dump directory' },
};

/**
 * The method table for servers others than root reach (TCP, or a Unix socket
 * shared with a group). xend runs as root, and such a client must not make it
 * read or write any file it likes: a file the request names must lie in the
 * directory configured for it, and must not be a symlink. Over the root-only
 * Unix socket every path is allowed, as in xend.
 */
export function confinePaths(methods: Map<string, Method>, dirs: ConfinedDirs): Map<string, Method> {
  const confined = new Map(methods);
  for (const [name, rule] of Object.entries(PATH_ARGUMENTS)) {
    const fn = methods.get(name);
    if (!fn) continue;
    confined.set(name, async (...args: unknown[]) => {
      const path = args[rule.index];
      // No file named: xend picks one in its own directory (a core dump).
      if (path !== undefined && path !== null && path !== '') {
        const dir = dirs[rule.dir];
        if (!(await inside(dir, String(path)))) {
          throw new XendError(`${String(path)}: a client other than root may only use files in ${dir} (${rule.option}), and no symlinks`);
        }
      }
      return fn(...args);
    });
  }
  return confined;
}

/**
 * Whether `path`, after `..` and the symlinks of its directories, is below `dir`.
 * The file itself may not be a symlink: a dangling one would pass as a new file
 * and then be followed by the open.
 */
async function inside(dir: string, path: string): Promise<boolean> {
  const root = await realpath(dir).catch(() => null);
  if (root === null || !path.startsWith('/')) return false;
  const link = await lstat(path).then((st) => st.isSymbolicLink(), () => false);
  if (link) return false;
  const real = await realpath(dirname(path)).then((d) => join(d, basename(path)), () => null);
  return real !== null && real.startsWith(root + sep);
}
