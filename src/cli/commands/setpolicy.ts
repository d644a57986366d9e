import { accessSync, constants } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { XS_POLICY_ACM, XS_POLICY_FLASK, refuseWithoutSubsystem, xsmError } from './xsm.js';
import type { CommandContext } from '../context.js';

/** Where xm looked for an ACM policy named `a.b`: ./a/b-security_policy.xml, then the installed policies. */
const ACM_POLICY_DIR = '/etc/xen/acm-security/policies';

/** `xm setpolicy ACM|FLASK POLICY`: xm read the policy, then xend had to support its type. */
export async function run(ctx: CommandContext): Promise<never> {
  const [type, name] = ctx.args as [string, string];
  let file: string;
  let bit: number;
  if (type.toUpperCase() === 'ACM') {
    const relative = `${name.split('.').join('/')}-security_policy.xml`;
    file = [`./${relative}`, `${ACM_POLICY_DIR}/${relative}`].find((p) => readable(ctx, p)) ?? `${ACM_POLICY_DIR}/${relative}`;
    bit = XS_POLICY_ACM;
  } else if (type.toUpperCase() === 'FLASK') {
    file = name;
    bit = XS_POLICY_FLASK;
  } else throw new UsageError(`Unsupported policytype '${type}'.`);
  if (!readable(ctx, file)) throw new UsageError(`Could not read policy file: ${file}`);
  return refuseWithoutSubsystem(ctx, bit, xsmError('Policy type not supported.'));
}

function readable(ctx: CommandContext, path: string): boolean {
  try {
    accessSync(resolve(ctx.cwd, path), constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export const text = () => '';
