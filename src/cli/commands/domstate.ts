import { hasState } from '../../protocol/domain.js';
import type { CommandContext } from '../context.js';

/** `xm domstate DOM`: one word for the domain's state letters; `shutoff` for one that is not running. */
export async function run(ctx: CommandContext) {
  const d = await ctx.client().domain(ctx.args[0]!);
  return { name: d.name, domid: d.domid, state: stateWord(d.state) };
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
