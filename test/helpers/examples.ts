import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The real Xen example configs (xmexample*, xend-config*.sxp, xm-config.xml), which
 * this repository does not carry: the folder `XEN_EXAMPLES` names (CI sets it when
 * it has them). A folder named by the variable must exist (a typo fails rather
 * than skips); without the variable the tests that need them are skipped.
 */
function findExamples(): string | null {
  const named = process.env.XEN_EXAMPLES;
  if (!named) return null;
  if (!existsSync(named)) throw new Error(`XEN_EXAMPLES=${named}: no such folder`);
  return resolve(named);
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
