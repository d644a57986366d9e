import type { CommandContext } from '../context.js';

/** `xm getpolicy [--dumpxml]`: the security subsystems xend supports and its policy (getpolicy.py's lines). */
export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const xstype = await client.api.security_get_xstype();
  const [xml] = await client.api.security_get_policy();
  return { xstype, subsystems: subsystems(xstype), policy: xml === '' ? null : xml };
}

function subsystems(xstype: number): string[] {
  const types = xstype & 1 ? ['ACM'] : [];
  const rest = xstype & ~1;
  if (rest) types.push(`unsupported (${rest.toString(16).padStart(8, '0')})`);
  return types.length ? types : ['None'];
}

export const text = (d: { subsystems: string[]; policy: string | null }) =>
  `Supported security subsystems   : ${d.subsystems.join(', ')} \n\n${d.policy === null ? 'No policy is installed.\n' : `${d.policy}\n`}`;
