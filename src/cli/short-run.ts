/**
 * A run of xm that ends with its command (bin/xm) stops V8's compilers beyond its
 * interpreter before it decodes a large reply: Node waits at exit for every compile job a
 * run set going, and decoding a thousand domains' records sets going many (`xm list` at
 * 1,000 guests on Node 20, under strace: 27–51 ms between its output and its exit; the decoding itself
 * ~15 ms). Interpreted, the same decoding costs less than that wait, and a small reply
 * changes nothing. V8 refuses a code cache made under other flags, so the launcher writes
 * its caches just before the change (`changing`): a site where every listing is large still
 * gets the code the run compiled up to there cached. Measured on each line at 1,000 guests (30 alternated
 * runs): Node 20 171 → 149 ms, Node 22 152 → 137 ms; Node 24 gained nothing (133 → 135),
 * so there it is not done. `xm list`'s short listing asks for it, read by the fast reader
 * into a few fields a domain; `xm list --long` does not: its 3.3 MB of whole records, then
 * printed as SXP, took longer interpreted (349 → 380 ms on Node 20, 295 → 337 on 22).
 */

/**
 * Replies from this size on: a listing of ~580 domains (`xm list`'s seven children each).
 * At ~300 (a 270 KB reply) it gained nothing on Node 20 and cost ~4 ms on 22.
 */
export const LARGE_REPLY_BYTES = 512 * 1024;

/** The Node lines where it pays: before 24. */
export const STOPS_COMPILERS = Number(process.versions.node.split('.')[0]) < 24;

/** What beforeDecode is given where the process ends with the command (nothing where it does not pay). */
export function compilersStopForLargeReplies(
  changing: () => void,
  setFlags: (flags: string) => void = (flags) => process.getBuiltinModule('node:v8').setFlagsFromString(flags),
  pays = STOPS_COMPILERS,
): ((bytes: number) => void) | undefined {
  if (!pays) return undefined;
  let stopped = false;
  return (bytes) => {
    if (stopped || bytes < LARGE_REPLY_BYTES) return;
    stopped = true;
    changing();
    setFlags('--max-opt=0');
  };
}
