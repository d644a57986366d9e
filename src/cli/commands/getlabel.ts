import { UsageError } from '../errors.js';
import { accessControlLines, labelConfigFile, readConfig, vifIndexCheck, xsmError } from './xsm.js';
import type { CommandContext } from '../context.js';

/** `xm getlabel {dom FILE|mgt DOMAIN|res RESOURCE}`: getlabel.py's answers. */
export async function run(ctx: CommandContext) {
  const [kind, object] = ctx.args as [string, string];
  switch (kind.toLowerCase()) {
    case 'dom': {
      const { lines, inEntry } = accessControlLines(readConfig(labelConfigFile(ctx, object)));
      const entry = lines.filter((_, i) => inEntry[i]).join('');
      if (!entry) throw xsmError('Domain not labeled');
      // xm stripped the brackets and quotes and named the policy type.
      const data = entry.slice(entry.indexOf('=') + 1).trim().replace(/^[[']+/, '').replace(/['\]]+$/, '');
      return { label: `policytype=ACM,${data}` };
    }
    case 'mgt': {
      const label = await ctx.client().api.security_get_domain_label({ domain: object });
      return { label: label.startsWith("'") ? label.slice(1) : label };
    }
    case 'res': {
      const label = await ctx.client().api.security_get_resource_label({ resource: object });
      if (label.length === 0) throw xsmError('Resource not labeled');
      return { label: Array.isArray(label) ? label.join(':') : label };
    }
  }
  if (kind.toLowerCase().startsWith('vif-')) vifIndexCheck(kind, 'xm needs to be configure to use the xen-api.');
  throw new UsageError('First subcommand argument must be "dom", "mgt" or "res"');
}

export const text = (d: { label: string }) => `${d.label}\n`;
