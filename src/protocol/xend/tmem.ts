import { returns, flag, int, text, method } from '../method-spec.js';

/**
 * XendNode's tmem calls (xend.node.tmem_*), each one of Xen's tmem control operations.
 * `cli_id` is a domain id or -1 for every domain; the results are Xen's numbers
 * (0 done, -1 no such client), not faults, as xend passed them on.
 */
export const TMEM_METHODS = {
  tmem_list: method('xend.node.tmem_list', [int('cli_id'), flag('use_long', false)], returns<string | number>()),
  tmem_thaw: method('xend.node.tmem_thaw', [int('cli_id')], returns<number>()),
  tmem_freeze: method('xend.node.tmem_freeze', [int('cli_id')], returns<number>()),
  tmem_flush: method('xend.node.tmem_flush', [int('cli_id'), int('pages')], returns<number>()),
  tmem_destroy: method('xend.node.tmem_destroy', [int('cli_id')], returns<number>()),
  tmem_set_weight: method('xend.node.tmem_set_weight', [int('cli_id'), int('weight')], returns<number>()),
  tmem_set_cap: method('xend.node.tmem_set_cap', [int('cli_id'), int('cap')], returns<number>()),
  tmem_set_compress: method('xend.node.tmem_set_compress', [int('cli_id'), int('compress')], returns<number>()),
  tmem_query_freeable_mb: method('xend.node.tmem_query_freeable_mb', [], returns<number>()),
  tmem_shared_auth: method('xend.node.tmem_shared_auth', [int('cli_id'), text('uuid_str'), int('auth')], returns<number>()),
};
