import { UsageError } from '../errors.js';
import type { CommandContext } from '../context.js';
import { isPyInt } from '../../python-int.js';

/**
 * xm's parse_tmem_args: `-a` (every domain: -1) or a domain id, which xm took as a
 * number only; the words after it are returned for the command.
 */
export function tmemTarget(ctx: CommandContext): { cliId: number; rest: string[] } {
  if (ctx.opts.has('all')) return { cliId: -1, rest: ctx.args };
  const [first, ...rest] = ctx.args;
  if (first === undefined) throw new UsageError('You must specify -a or --all or a domain id.');
  if (!isPyInt(first)) throw new UsageError(`Unrecognized domain id: ${first}`);
  return { cliId: Number(first), rest };
}

/** tmem-thaw, -freeze, -destroy: one call, silent as xm was; xend's number is the JSON's result. */
export function tmemAction(call: 'tmem_thaw' | 'tmem_freeze' | 'tmem_destroy') {
  return {
    run: async (ctx: CommandContext) => ({ result: await ctx.client().api[call]({ cli_id: tmemTarget(ctx).cliId }) }),
    text: () => '',
  };
}
