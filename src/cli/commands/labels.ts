import { UsageError } from '../errors.js';
import type { CommandContext } from '../context.js';

/** `xm labels [policy] [type=dom|res|any]`: the labels xend's policy defines, sorted. */
export async function run(ctx: CommandContext) {
  let policy: string | undefined;
  let type: string | undefined;
  for (const arg of ctx.args) {
    const kv = arg.split('=');
    if (kv.length === 2 && kv[0] === 'type') {
      if (type !== undefined) throw new UsageError('type is definied twice');
      type = kv[1]!.toLowerCase();
    } else if (kv.length === 1) {
      if (policy !== undefined) throw new UsageError('policy is defined twice');
      policy = arg;
    } else throw new UsageError(`Unrecognised option: ${arg}`);
  }
  const labels = await ctx.client().api.security_list_labels({ policy_name: policy ?? '', ltype: type ?? '' });
  return { labels: [...labels].sort() };
}

export const text = (d: { labels: string[] }) => d.labels.map((l) => `${l}\n`).join('');
