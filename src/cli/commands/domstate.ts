import { hasState } from '../../protocol/domain.js';
import type { CommandContext } from '../context.js';

/** `xm domstate DOM`: one word for the domain's state letters; `shutoff` for one that is not running. */
export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const d = await client.domain(ctx.args[0]!);
  let state = stateWord(d.state);
  // xend's paused_by_admin: set by xm pause, not by create -p or restore -p.
  if (state === 'paused' && (await client.api.getpauseflag({ dom: ctx.args[0]! }))) state = 'paused by admin';
  return { name: d.name, domid: d.domid, state };
}

/**
 * xm_domstate's words in its order: a shut-down domain is "shutoff", a dying one
 * "shutdown". (xm printed nothing for a running one, `find('r') > 0` missing index 0:
 * here it is "running".)
 */
export function stateWord(letters: string): string {
  if (!letters || hasState(letters, 'shutdown')) return 'shutoff';
  if (hasState(letters, 'blocked')) return 'idle';
  if (hasState(letters, 'dying')) return 'shutdown';
  if (hasState(letters, 'running')) return 'running';
  if (hasState(letters, 'crashed')) return 'crashed';
  if (hasState(letters, 'paused')) return 'paused';
  return 'idle';
}

export const text = (d: { state: string }) => `${d.state}\n`;
