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

export function stateWord(letters: string): string {
  if (!letters) return 'shutoff';
  if (hasState(letters, 'shutdown') || hasState(letters, 'dying')) return 'shutdown';
  if (hasState(letters, 'crashed')) return 'crashed';
  if (hasState(letters, 'paused')) return 'paused';
  if (hasState(letters, 'running')) return 'running';
  return 'idle';
}

export const text = (d: { state: string }) => `${d.state}\n`;
