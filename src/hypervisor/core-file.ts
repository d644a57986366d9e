import { closeSync, constants, createReadStream, createWriteStream, fstatSync, openSync, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';

/**
 * Moves a core a hypervisor tool wrote into its private directory to `path`,
 * where xend was asked to put it. The file read must be a regular file of
 * `ownerUid`, not a link planted to some other file; `path` itself is never
 * followed. The private copy goes in any case.
 */
export async function deliverCore(tmp: string, path: string, ownerUid: number): Promise<void> {
  try {
    const from = openSync(tmp, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(from);
    if (!st.isFile() || st.uid !== ownerUid || st.nlink !== 1) {
      closeSync(from);
      throw new Error(`the core dump ${tmp} is not a file of the hypervisor's own`);
    }
    const to = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    await pipeline(createReadStream('', { fd: from }), createWriteStream('', { fd: to }));
  } finally {
    rmSync(tmp, { force: true });
  }
}
