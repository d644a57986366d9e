import { UsageError } from '../errors.js';
import { XS_POLICY_FLASK, refuseWithoutSubsystem } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `xm setenforce Enforcing|Permissive|1|0`: Flask's mode, which exists only with the Flask module. */
export async function run(ctx: CommandContext): Promise<never> {
  const mode = ctx.args[0]!;
  if (!['0', '1', 'enforcing', 'permissive'].includes(mode.toLowerCase())) throw new UsageError(`${mode} is an unsupported mode`);
  return refuseWithoutSubsystem(ctx, XS_POLICY_FLASK, new UsageError('Unsupported policy type'));
}

export const text = () => '';
