/**
 * An S-expression value as xend passes it around: parsed atoms are strings,
 * values built inside xend keep their type (int, float, bool, None), lists nest.
 * A bigint stands for a Python long, which sxp.show quotes.
 */
export type Sxp = string | number | bigint | boolean | null | Sxp[];
