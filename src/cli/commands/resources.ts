import type { CommandContext } from '../context.js';

type Resources = Record<string, string[]>;

/** `xm resources`: each labeled resource with its policy type, policy and label (resources.py's layout). */
export async function run(ctx: CommandContext) {
  return { resources: ((await ctx.client().api.security_get_labeled_resources()) ?? {}) as Resources };
}

export function text(d: { resources: Resources }): string {
  return Object.entries(d.resources)
    .map(([resource, parts]) => {
      const [type, policy, label] = parts.length === 2 ? ['ACM', ...parts] : parts;
      return `${resource}\n      type: ${type}\n    policy: ${policy}\n    label:  ${label}\n`;
    })
    .join('');
}
