import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimHost } from '../../src/hypervisor/sim/host.js';
import { DomainService } from '../../src/daemon/domains.js';
import { ManagedStore } from '../../src/daemon/managed-store.js';
import { ManagedService } from '../../src/daemon/managed.js';
import { CheckpointService } from '../../src/daemon/checkpoint.js';
import { ConsoleService } from '../../src/daemon/console.js';
import { RestartJournal } from '../../src/daemon/restart-journal.js';
import { DeviceService } from '../../src/daemon/devices/service.js';
import type { Logger } from '../../src/daemon/log.js';
import type { ShutdownReason } from '../../src/hypervisor/types.js';

export const quiet: Logger = { debug() {}, info() {}, warning() {}, error() {}, critical() {} };

/**
 * xend's services in-process over a simulated host whose state lives in a temp
 * dir: no xend process, no sockets. `shutdownAndWait` resolves once the
 * registry acted on the guest's shutdown (its on_poweroff/on_reboot/on_crash).
 */
export class SimDomains {
  readonly sim: SimHost;
  readonly domains: DomainService;
  readonly store: ManagedStore;
  readonly checkpoints: CheckpointService;
  readonly managed: ManagedService;
  readonly devices: DeviceService;
  private readonly handled: (() => void)[] = [];

  constructor(readonly dir: string) {
    let domains: DomainService | undefined;
    this.sim = new SimHost({
      stateDir: join(dir, 'state'),
      cpus: 4,
      memoryMiB: 8192,
      dom0MemoryMiB: 1024,
      dom0Cpus: 0,
      shutdownDelayMs: 0,
      events: {
        onShutdown: (id, reason) => {
          domains?.onShutdown(id, reason);
          this.handled.shift()?.();
        },
        onConsoleOutput: () => {},
      },
      log: quiet,
    });
    this.store = new ManagedStore(join(dir, 'domains'));
    this.domains = domains = new DomainService(this.sim, { enabled: false, dom0MinMiB: 0 }, quiet, undefined, {
      managed: this.store,
      journal: new RestartJournal(join(dir, 'restarts')),
    });
    this.checkpoints = new CheckpointService(this.domains.hv, this.domains, new ConsoleService(64 * 1024), quiet, {
      relocationPort: 0,
      sslPort: 0,
      tls: () => ({}),
      defaultSsl: false,
      externalTool: '',
      journalDir: join(dir, 'migrations'),
    });
    this.managed = new ManagedService(this.store, this.domains, this.checkpoints, this.domains.hv, quiet);
    this.devices = new DeviceService(this.domains, quiet);
  }

  /** A fresh temp dir, removed by `close`. */
  static open(): SimDomains {
    return new SimDomains(mkdtempSync(join(tmpdir(), 'xend-unit-')));
  }

  /** xend started again on the same host and store, as after a restart of xend. */
  reopen(): SimDomains {
    this.sim.close();
    const next = new SimDomains(this.dir);
    next.domains.recover();
    return next;
  }

  /** Asks the guest to shut down and waits until xend acted on it. */
  async shutdownAndWait(dom: string | number, reason: ShutdownReason): Promise<void> {
    const done = new Promise<void>((resolve) => this.handled.push(resolve));
    // The sim host's shutdown timer does not hold the process open; this does, until xend acted.
    const alive = setInterval(() => {}, 1000);
    try {
      this.domains.shutdown(dom, reason);
      await done;
    } finally {
      clearInterval(alive);
    }
  }

  close(): void {
    this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
