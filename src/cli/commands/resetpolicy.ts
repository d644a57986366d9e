import { XS_POLICY_ACM, refuseWithoutSubsystem, xsmError } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `xm resetpolicy`: only an ACM policy could be reset. */
export const run = (ctx: CommandContext) => refuseWithoutSubsystem(ctx, XS_POLICY_ACM, xsmError('ACM policy type not supported.'));
export const text = () => '';
