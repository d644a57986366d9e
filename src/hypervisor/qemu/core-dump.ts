import { constants, fstatSync, openSync, closeSync, createReadStream, createWriteStream, rmSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { QmpClient } from './qmp.js';

/** Writing a guest's memory is one synchronous QMP command: as long as that takes. */
const DUMP_DEADLINE_MS = 10 * 60_000;

/**
 * QEMU writes the core into its own run directory (it may run as qemu-user,
 * who cannot write where the core goes); xend then copies it to `path`. The
 * file xend reads must be a regular file of QEMU's user, not a link a QEMU
 * could have planted to some other file; `path` itself is never followed.
 */
export async function dumpCore(qmp: QmpClient, runDir: string, path: string, qemuUid: number): Promise<void> {
  const tmp = `${runDir}/core.dump`;
  rmSync(tmp, { force: true });
  try {
    await qmp.execute('dump-guest-memory', { paging: false, protocol: `file:${tmp}` }, DUMP_DEADLINE_MS);
    const from = openSync(tmp, constants.O_RDONLY | constants.O_NOFOLLOW);
    const st = fstatSync(from);
    if (!st.isFile() || st.uid !== qemuUid || st.nlink !== 1) {
      closeSync(from);
      throw new Error(`QEMU's core dump ${tmp} is not a file of its own`);
    }
    const to = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o600);
    await pipeline(createReadStream('', { fd: from }), createWriteStream('', { fd: to }));
  } finally {
    rmSync(tmp, { force: true });
  }
}
