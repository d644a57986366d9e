import type { CommandContext } from '../context.js';

/** `xm debug-keys KEYS`: typed at Xen's console; what they print is in `xm dmesg`. Silent, as xm was. */
export async function run(ctx: CommandContext) {
  const keys = ctx.args[0]!;
  await ctx.client().api.send_debug_keys({ keys });
  return { keys };
}

export const text = () => '';
