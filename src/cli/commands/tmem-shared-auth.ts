import { SilentError, UsageError } from '../errors.js';
import { tmemTarget } from './tmem-target.js';
import type { CommandContext } from '../context.js';

/**
 * `xm tmem-shared-auth <Domain>|-a --uuid=UUID [--auth=0|1]`. xm returned xend's number
 * from the command, so it became xm's exit status (1 for done); so it is here.
 */
export async function run(ctx: CommandContext) {
  const { cliId } = tmemTarget(ctx);
  const uuid = ctx.opts.string('uuid');
  // xm 4.4 failed with a traceback without one.
  if (uuid === undefined) throw new UsageError('You must specify --uuid.');
  const result = await ctx.client().api.tmem_shared_auth({ cli_id: cliId, uuid_str: uuid, auth: ctx.opts.number('auth') ?? 0 });
  if (result !== 0 && !ctx.json) throw new SilentError(result & 0xff);
  return { result };
}

export const text = () => '';
