/**
 * A request header of this suite's, beside XML-RPC: the caller of a domain listing
 * (xend.domains_with_state with details) needs of each `(domain …)` record only the
 * children headed by these keys, and the server may leave the others out. `xm list`
 * reads 7 of a brief record's ~24 children (`--json` 11): the 1,000-guest reply is 0.9 MB
 * instead of 3.3, that much less to fault into memory, copy and scan. xend 4.4 ignores an
 * unknown header and sends the records whole, which the client reads as well (it passes
 * over the children it does not need). Lower case, as Node hands a request's headers.
 */
export const LISTING_KEYS_HEADER = 'x-xend-listing-keys';

/** More keys than a record has children; past it, or with a malformed key, the header is ignored. */
const MAX_KEYS = 64;
const KEY = /^[a-z][a-z0-9_]{0,63}$/;

/** The header's value: the keys, space-separated. */
export function formatListingKeys(keys: ReadonlySet<string>): string {
  return [...keys].join(' ');
}

/**
 * The keys a request's header names (as Node hands a header: undefined when absent, repeated
 * ones joined with ", "), or undefined when it names none the way formatListingKeys writes
 * them: the records are then sent whole, as to any client.
 */
export function parseListingKeys(value: string | undefined): ReadonlySet<string> | undefined {
  if (value === undefined || value.length > MAX_KEYS * 65) return undefined;
  const keys = value.split(' ');
  if (keys.length > MAX_KEYS || !keys.every((k) => KEY.test(k))) return undefined;
  return new Set(keys);
}
