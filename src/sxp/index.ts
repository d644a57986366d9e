export type { Sxp } from './types.js';
export * from './parse.js';
export * from './show.js';
export { PyFloat, pyFloat } from './float.js';
export * from './pretty.js';
export * from './access.js';
