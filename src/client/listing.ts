import { argsInOrder } from '../protocol/method-spec.js';
import { LISTING_METHODS } from '../protocol/xend/listing.js';
import type { Transport } from '../transport/types.js';
import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { Sxp } from '../sxp/types.js';

/**
 * Every domain's brief SXP in `state`, of which only the children of `keys` are needed, each as
 * `each` makes it as it is read: `xm list`'s call, for XendClient and for quick-list.ts (which
 * has no XendClient: its typed face is built from the whole contract).
 */
export async function listing<T>(transport: Transport, state: string, keys: ReadonlySet<string>, each: (sxp: Sxp) => T): Promise<T[]> {
  const m = LISTING_METHODS.domains_with_state;
  const opts = { sxpKeys: keys, eachItem: each as (item: XmlRpcValue) => unknown };
  return (await transport.call(m.name, argsInOrder(m, { detail: true, state, full: 0 }), opts)) as unknown as T[];
}
