import { UsageError } from '../errors.js';
import { DUMMY_REFUSAL, labelConfigFile, vifIndexCheck, xsmError } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `policy` or `type:policy` (resources take a bare policy as ACM's). */
function policyParts(policy: string, bareIsAcm: boolean): [type: string, ref: string] {
  const parts = policy.split(':');
  if (parts.length === 2) return [parts[0]!, parts[1]!];
  if (parts.length === 1 && bareIsAcm) return ['ACM', policy];
  throw new UsageError('Policy name in wrong format.');
}

/**
 * `xm addlabel LABEL {dom FILE|res RESOURCE|mgt DOMAIN} POLICY`: addlabel.py's answers with
 * no security module, under which there is no active policy to default to.
 */
export async function run(ctx: CommandContext) {
  const [label, kind, object, policy] = ctx.args as [string, string, string, string | undefined];
  if (policy === undefined) throw new UsageError('ACM security is not enabled. You must specify the policy on the command line.');
  const client = ctx.client();
  switch (kind.toLowerCase()) {
    case 'dom':
      // xm 4.4 failed here with a traceback (the dummy module has no label syntax): say why instead.
      labelConfigFile(ctx, object);
      throw xsmError(DUMMY_REFUSAL);
    case 'mgt': {
      const [type, ref] = policyParts(policy, false);
      await client.api.security_set_domain_label({ domain: object, seclab: `${type}:${ref}:${label}`, old_seclab: '' });
      return { labeled: object, message: `Successfully set the label of domain '${object}' to '${label}'.\n` };
    }
    case 'res': {
      const [type, ref] = policyParts(policy, true);
      const old = await client.api.security_get_resource_label({ resource: object });
      if (old.length) throw xsmError(`'${object}' is already labeled with '${Array.isArray(old) ? old.join(':') : old}'.`);
      await client.api.security_set_resource_label({ resource: object, policytype: type, policyref: ref, reslabel: label, oreslabel: '' });
      return { labeled: object };
    }
  }
  if (kind.toLowerCase().startsWith('vif-')) vifIndexCheck(kind, 'Need to be configure for using xen-api.');
  throw new UsageError('Need to specify either "dom", "mgt" or "res" as object to add label to.');
}

export const text = (d: { message?: string }) => (d.message ? `${d.message}\n` : '');
