import { left } from './format.js';

/** `xm info` (keys padded to 23) and `xm info -c` (38): `key : value`, `(none)` for no value. */
export function fieldTable(fields: readonly [string, unknown][], width: number): string {
  return fields.map(([k, v]) => `${left(k, width)}: ${v === null || v === undefined ? '(none)' : String(v)}\n`).join('');
}
