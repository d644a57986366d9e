import { UsageError } from '../errors.js';
import { XS_POLICY_FLASK, refuseWithoutSubsystem } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `xm getenforce`: Flask's mode, which exists only with the Flask module. */
export const run = (ctx: CommandContext) => refuseWithoutSubsystem(ctx, XS_POLICY_FLASK, new UsageError('Unsupported policy type'));
export const text = () => '';
