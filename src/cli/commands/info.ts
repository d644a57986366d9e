import { loadXendConfig, describeOptions } from '../../config/xend-config.js';
import { xendPaths } from '../../config/paths.js';
import { fieldTable } from '../render/host.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

interface InfoData {
  config: boolean;
  fields: [string, unknown][];
}

/** `xm info`: the host's fields from xend; `-c` xend's options as this host's config file sets them. */
export async function run(ctx: CommandContext): Promise<InfoData> {
  if (ctx.opts.has('config')) {
    const { options } = loadXendConfig(xendPaths(ctx.env).configFile, () => {});
    return { config: true, fields: describeOptions(options) };
  }
  const pairs: [string, Sxp][] = await ctx.client().nodeInfo(ctx.opts.has('numa'));
  // xm printed from the second pair on: `system` was never shown.
  return { config: false, fields: pairs.slice(1) };
}

export const text = (data: InfoData): string => fieldTable(data.fields, data.config ? 38 : 23);

export function json(data: InfoData) {
  return { [data.config ? 'xend_config' : 'host']: Object.fromEntries(data.fields) };
}
