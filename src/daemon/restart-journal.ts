import { DurableDir } from '../store/durable.js';
import { storedVmConfig, type VmConfig } from '../vm/config.js';

/** A restart xend has begun: enough to finish it after a crash at any point. */
export interface PendingRestart {
  /** The domain that shut down, and whether it is kept (rename-restart) or destroyed. */
  old: { domid: number; uuid: string; name: string };
  preserveOld: boolean;
  /** The domain that replaces it. */
  uuid: string;
  config: VmConfig;
  restartCount: number;
}

/**
 * Restarts are several hypervisor writes (destroy or rename the old domain,
 * build the new one, unpause it); a record of each one begun, removed when it
 * is done, lets xend finish an interrupted restart instead of losing the domain.
 */
export class RestartJournal {
  private readonly dir: DurableDir<PendingRestart>;

  constructor(path: string) {
    this.dir = new DurableDir(path);
  }

  begin(r: PendingRestart): void {
    this.dir.write(r.uuid, r);
  }

  end(uuid: string): void {
    this.dir.remove(uuid);
  }

  pending(report: (message: string) => void): PendingRestart[] {
    return this.dir.readAll(report, (r) => ({ ...r, config: storedVmConfig(r.config) }));
  }
}
