import { totalmem } from 'node:os';

/** The first Node line whose V8 sizes semi-spaces past what 20 and 22 did (to 64 MiB in Node's builds). */
export const GROWING_NODE_MAJOR = 24;
/** The largest semi-space Node 20 and 22 use, in MiB (from 4 GiB of memory on). */
export const MAX_SEMI_SPACE_MIB = 16;
/** Below this much memory Node 24's own sizes are already small (1 MiB semi-spaces at 512 MiB): left alone. */
export const CAPPED_FROM_BYTES = 2 ** 30;

/**
 * The V8 flags the worker runs with. Node 24 grows the young generation to 64 MiB
 * semi-spaces under a high allocation rate (from 1.5 GiB of memory on; 16 MiB at 1 GiB,
 * where Node 20 stops at 4): ~100 MB more RSS for a worker with ~20 MB live (the soak, 8
 * clients for 30 s: 122 → 218 MB), on a Dom0 whose memory is small. The flag holds it to
 * what Node 20 and 22 give: 1/256 of the memory (a quarter for the heap, 1/64 of that for a
 * semi-space), rounded down to a power of two, 16 MiB at most. V8 sizes from the memory node
 * may use (the cgroup's limit if lower), and a flag replaces that size, never caps it.
 */
export function workerV8Flags(major = Number(process.versions.node.split('.')[0]), memory = usableMemory()): string[] {
  if (major < GROWING_NODE_MAJOR || memory < CAPPED_FROM_BYTES) return [];
  const mib = Math.min(MAX_SEMI_SPACE_MIB, 2 ** Math.floor(Math.log2(memory / 2 ** 28)));
  return [`--max-semi-space-size=${mib}`];
}

/** A flag's name as V8 reads it (`--max_semi_space_size=8` is `--max-semi-space-size`; NODE_OPTIONS may quote it). */
const flagName = (arg: string): string => arg.replace(/^["']/, '').split('=')[0]!.replace(/_/g, '-');

/** The worker's flags but those the administrator gave node, on its command line or in NODE_OPTIONS: theirs win. */
export function workerFlagsToAdd(wanted = workerV8Flags(), execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)].map(flagName));
  return wanted.filter((f) => !given.has(flagName(f)));
}

/** The memory V8 sizes its heap from: the host's, or the cgroup's limit when lower (0 or more than the host: none). */
function usableMemory(): number {
  const host = totalmem();
  const limit = process.constrainedMemory?.() ?? 0;
  return limit > 0 && limit < host ? limit : host;
}
