import { XendFaultError } from '../../transport/errors.js';
import { prettyPrint } from '../../sxp/index.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

type VnetRow = { id: string; config?: Sxp; error?: string };

/**
 * `xm vnet-list [-l] [ID…]`: the ids xend knows, or with -l (or ids given) each vnet's
 * config; a vnet xend refuses is listed with its fault, as xm printed `vnet ex`.
 */
export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const long = ctx.opts.has('long') || ctx.args.length > 0;
  const ids = ctx.args.length ? ctx.args : await client.api.vnets();
  const vnets: VnetRow[] = [];
  for (const id of ids) {
    if (!long) vnets.push({ id });
    else
      try {
        vnets.push({ id, config: await client.api.vnet({ id }) });
      } catch (err) {
        if (!(err instanceof XendFaultError)) throw err;
        vnets.push({ id, error: `<Fault ${err.faultCode}: '${err.faultString}'>` });
      }
  }
  return { long, vnets };
}

export const text = (d: { vnets: VnetRow[] }) =>
  d.vnets.map((v) => (v.error ? `${v.id} ${v.error}\n` : v.config !== undefined ? prettyPrint(v.config) : `${v.id}\n`)).join('');
