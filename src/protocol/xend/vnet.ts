import { returns, text, none, method } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/** XendVnet's calls as xm 4.4 made them (xend_vnets, …): vnet ids, a vnet's config, create, delete. */
export const VNET_METHODS = {
  vnets: method('xend_vnets', [], returns<string[]>()),
  vnet: method('xend_vnet', [text('id')], returns<Sxp>()),
  vnet_create: method('xend_vnet_create', [text('config')], none),
  vnet_delete: method('xend_vnet_delete', [text('id')], none),
};
