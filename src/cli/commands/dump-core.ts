import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { CommandContext } from '../context.js';

interface DumpData {
  domain: string;
  file: string | null;
  live: boolean;
  crash: boolean;
  reset: boolean;
}

/**
 * `xm dump-core [-L] [-C|-R] DOM [FILE]`: prints `Dumping core of domain: DOM ...`
 * first, as xm did, then has xend write the core (to FILE, made absolute, or to
 * its dump directory), pausing the domain meanwhile unless -L.
 */
export async function run(ctx: CommandContext): Promise<DumpData> {
  const live = ctx.opts.has('live');
  const crash = ctx.opts.has('crash');
  const reset = ctx.opts.has('reset');
  if (crash && reset) throw new UsageError("You may not specify more than one '-CR' option");
  const [dom, file] = ctx.args as [string, string | undefined];
  const path = file === undefined ? null : resolve(ctx.cwd, file);
  if (!ctx.json) ctx.event(`Dumping core of domain: ${dom} ...`, {});
  const written = await ctx.client().dumpCore(dom, path, { live, crash, reset });
  return { domain: dom, file: written ?? path, live, crash, reset };
}

export const text = (): string => '';
