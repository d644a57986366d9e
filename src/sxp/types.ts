import type { PyFloat } from './float.js';

/**
 * An S-expression value as xend passes it around: parsed atoms are strings,
 * values built inside xend keep their type (int, float, bool, None), lists nest.
 * A bigint stands for a Python long, which sxp.show quotes; a PyFloat for a
 * float whose value is whole.
 */
export type Sxp = string | number | bigint | boolean | null | PyFloat | Sxp[];
