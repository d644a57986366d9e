import { rmSync } from 'node:fs';
import { deliverCore } from '../core-file.js';
import type { QmpClient } from './qmp.js';

/** Writing a guest's memory is one synchronous QMP command: as long as that takes. */
const DUMP_DEADLINE_MS = 10 * 60_000;

/**
 * QEMU writes the core into its own run directory (it may run as qemu-user,
 * who cannot write where the core goes); xend then copies it to `path`.
 */
export async function dumpCore(qmp: QmpClient, runDir: string, path: string, qemuUid: number): Promise<void> {
  const tmp = `${runDir}/core.dump`;
  rmSync(tmp, { force: true });
  try {
    await qmp.execute('dump-guest-memory', { paging: false, protocol: `file:${tmp}` }, DUMP_DEADLINE_MS);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  await deliverCore(tmp, path, qemuUid);
}
