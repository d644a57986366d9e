import { flag, get, method, returns, token } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/**
 * `xm list`'s call, of XendDomain's methods (domain.ts), in a module of its own: the bundle that
 * runs `xm list` (quick-list.ts) builds this method alone, not the contract's 150.
 */
export const LISTING_METHODS = {
  domains_with_state: method('xend.domains_with_state', [flag('detail', true), token('state'), flag('full', false)], returns<Sxp[]>(), get('domain')),
};
