import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the first directory above this file that holds package.json. */
function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test helpers');
    dir = up;
  }
  return dir;
}

/**
 * The real Xen example configs (xmexample*, xend-config*.sxp, xm-config.xml), which
 * this repository does not carry: `XEN_EXAMPLES` names their folder; otherwise
 * `../shared/data/xen-examples` beside the clone is used when it exists. A folder
 * named by the variable must exist (a typo fails rather than skips).
 */
function findExamples(): string | null {
  const named = process.env.XEN_EXAMPLES;
  if (named) {
    if (!existsSync(named)) throw new Error(`XEN_EXAMPLES=${named}: no such folder`);
    return resolve(named);
  }
  const beside = resolve(repositoryRoot(), '../shared/data/xen-examples');
  return existsSync(beside) ? beside : null;
}

export const XEN_EXAMPLES = findExamples();

/** For `test(name, { skip: NEEDS_EXAMPLES }, …)`: false when the examples are here, else the reason shown. */
export const NEEDS_EXAMPLES: string | false = XEN_EXAMPLES
  ? false
  : 'needs the real Xen example configs: set XEN_EXAMPLES to their folder (tools/examples of the Xen tree)';

/** The example files whose names pass `keep`, sorted; none without the folder. */
export function exampleFiles(keep: (name: string) => boolean): string[] {
  return XEN_EXAMPLES ? readdirSync(XEN_EXAMPLES).filter(keep).sort() : [];
}

export function readExample(name: string): string {
  if (!XEN_EXAMPLES) throw new Error(String(NEEDS_EXAMPLES));
  return readFileSync(join(XEN_EXAMPLES, name), 'utf8');
}
