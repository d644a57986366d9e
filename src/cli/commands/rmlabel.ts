import { writeFileSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { accessControlLines, labelConfigFile, readConfig, vifIndexCheck, xsmError } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `xm rmlabel {dom FILE|mgt DOMAIN|res RESOURCE}`: rmlabel.py's answers. */
export async function run(ctx: CommandContext) {
  const [kind, object] = ctx.args as [string, string];
  switch (kind.toLowerCase()) {
    case 'dom': {
      // The label's lines are commented out in the file itself, as rmlabel.py did.
      const file = labelConfigFile(ctx, object);
      const { lines, inEntry } = accessControlLines(readConfig(file));
      if (!inEntry.includes(true)) throw xsmError('Domain not labeled');
      writeFileSync(file, lines.map((l, i) => (inEntry[i] ? `#${l}` : l)).join(''), 'latin1');
      return { removed: object };
    }
    case 'mgt': {
      // No label to remove under the dummy module: xend labels nothing.
      const label = await ctx.client().api.security_get_domain_label({ domain: object });
      if (label === '') throw xsmError('Domain was not labeled.');
      await ctx.client().api.security_set_domain_label({ domain: object, seclab: '', old_seclab: label });
      return { removed: object, message: `Successfully removed label from domain ${object}.` };
    }
    case 'res': {
      const label = await ctx.client().api.security_get_resource_label({ resource: object });
      if (label.length === 0) throw xsmError('Resource not labeled');
      await ctx.client().api.security_set_resource_label({ resource: object, policytype: '', policyref: '', reslabel: '', oreslabel: '' });
      return { removed: object };
    }
  }
  if (kind.toLowerCase().startsWith('vif-')) vifIndexCheck(kind, 'Need to be configure for using xen-api.');
  throw new UsageError(`Unrecognised type argument: ${kind}`);
}

export const text = (d: { message?: string }) => (d.message ? `${d.message}\n` : '');
