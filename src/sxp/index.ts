export type { Sxp } from './types.js';
export * from './parse.js';
export * from './show.js';
export * from './pretty.js';
export * from './access.js';
