import { SilentError } from '../errors.js';
import { Values } from '../values.js';
import * as create from './create.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

const children = (sxp: Sxp, name: string): Sxp[][] => (Array.isArray(sxp) ? sxp.filter((x): x is Sxp[] => Array.isArray(x) && x[0] === name) : []);

/**
 * `xm dry-run FILE`: the config is built as create builds it, then checked as dry-run.py
 * did with no security module: an unlabeled domain and its disks are permitted, a labeled
 * one is denied (security is off).
 */
export async function run(ctx: CommandContext) {
  const { sxp } = await create.run({ ...ctx, opts: new Values(new Map([['dryrun', true]])) });
  const name = String(children(sxp, 'name')[0]?.[1] ?? 'None');
  const labeled = children(sxp, 'security').length > 0;
  ctx.event('Checking domain:', { checking: 'domain' });
  if (labeled) {
    ctx.event(`   ${name}: DENIED`, { domain: name, permitted: false });
    ctx.event('   --> Security off, but domain labeled', { reason: 'security off, but domain labeled' });
    ctx.event('Checking resources: (skipped)', { checking: 'resources', skipped: true });
    ctx.event('Dry Run: FAILED', { passed: false });
    throw new SilentError(1);
  }
  ctx.event(`   ${name}: PERMITTED`, { domain: name, permitted: true });
  ctx.event('Checking resources:', { checking: 'resources' });
  for (const device of children(sxp, 'device')) {
    const vbd = device[1];
    const uname = Array.isArray(vbd) && vbd[0] === 'vbd' ? children(vbd, 'uname')[0]?.[1] : undefined;
    if (uname !== undefined) ctx.event(`   ${String(uname)}: PERMITTED`, { resource: uname, permitted: true });
  }
  return { passed: true };
}

export const text = () => 'Dry Run: PASSED\n';
