import type { Io } from './main.js';

/** Placeholder replaced by the shell-integration work: prints nothing. */
export async function complete(_words: readonly string[], _io: Io): Promise<number> {
  return 0;
}
