/**
 * Python's int() of a text, which xm and xend converted their numbers with: digits with
 * an optional sign, blanks around them allowed (shared by xm, xend and the config readers).
 */
const PY_INT = /^\s*[-+]?\d+\s*$/;

export const isPyInt = (text: string): boolean => PY_INT.test(text);

/** int()'s ValueError text for a text it refuses. */
export const notAnInt = (text: string): string => `invalid literal for int() with base 10: '${text}'`;
