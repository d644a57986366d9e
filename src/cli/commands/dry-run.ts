import { Values } from '../values.js';
import * as create from './create.js';
import { failOnStdout } from './stdout-failure.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

const children = (sxp: Sxp, name: string): Sxp[][] => (Array.isArray(sxp) ? sxp.filter((x): x is Sxp[] => Array.isArray(x) && x[0] === name) : []);

/**
 * `xm dry-run FILE`: the config is built as create builds it, then checked as dry-run.py
 * did with no security module: an unlabeled domain and its disks are permitted, a labeled
 * one is denied (security is off). Each verdict is an event; the headings are text only.
 */
export async function run(ctx: CommandContext) {
  const { sxp } = await create.run({ ...ctx, opts: new Values(new Map([['dryrun', true]])) });
  const heading = (text: string) => ctx.json || ctx.event(text, {});
  const name = String(children(sxp, 'name')[0]?.[1] ?? 'None');
  heading('Checking domain:');
  if (children(sxp, 'security').length > 0) {
    ctx.event(`   ${name}: DENIED`, { check: 'domain', name, permitted: false, reason: 'security off, but domain labeled' });
    heading('   --> Security off, but domain labeled');
    heading('Checking resources: (skipped)');
    failOnStdout(ctx, 'Dry Run: FAILED');
  }
  ctx.event(`   ${name}: PERMITTED`, { check: 'domain', name, permitted: true });
  heading('Checking resources:');
  for (const device of children(sxp, 'device')) {
    const vbd = device[1];
    const uname = Array.isArray(vbd) && vbd[0] === 'vbd' ? children(vbd, 'uname')[0]?.[1] : undefined;
    if (uname !== undefined) ctx.event(`   ${String(uname)}: PERMITTED`, { check: 'resource', name: String(uname), permitted: true });
  }
  return { passed: true };
}

export const text = () => 'Dry Run: PASSED\n';
