import type { CommandContext } from '../context.js';

/** `xm domstate DOM`: one word for the domain's state letters; `shutoff` for one that is not running. */
export async function run(ctx: CommandContext) {
  const d = await ctx.client().domain(ctx.args[0]!);
  return { name: d.name, domid: d.domid, state: stateWord(d.state) };
}

export function stateWord(letters: string): string {
  if (!letters) return 'shutoff';
  if (/[sd]/.test(letters)) return 'shutdown';
  if (letters.includes('c')) return 'crashed';
  if (letters.includes('p')) return 'paused';
  if (letters.includes('r')) return 'running';
  return 'idle';
}

export const text = (d: { state: string }) => `${d.state}\n`;
