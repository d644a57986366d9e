import { UsageError } from '../errors.js';
import type { CommandContext } from '../context.js';

/** arg_check_for_resource_list: exactly one domain, counted in xm's own words. */
export function oneDomain(ctx: CommandContext): string {
  if (ctx.args.length === 0) throw new UsageError('No domain parameter given');
  if (ctx.args.length > 1) throw new UsageError('No multiple domain parameters allowed');
  return ctx.args[0]!;
}
