import { SimHost } from './sim/host.js';
import { QemuHost } from './qemu/host.js';
import { XenHost } from './xen/host.js';
import { findXl } from './xen/runner.js';
import type { HostLog, Hypervisor, HypervisorEvents } from './types.js';
import type { XendSettings } from '../daemon/settings.js';

/** Picks the backend named by `xend-hypervisor` (the simulated host unless told otherwise). */
export function createHypervisor(s: XendSettings, events: HypervisorEvents, log: HostLog): Hypervisor {
  const kind = String(s.options['xend-hypervisor'] ?? 'sim');
  if (kind === 'qemu') {
    const o = s.options;
    return new QemuHost({ stateDir: s.stateDir, binary: String(o['qemu-binary']), accel: String(o['qemu-accel']), user: String(o['qemu-user'] ?? ''), events, log });
  }
  if (kind === 'xen') return new XenHost({ stateDir: s.stateDir, xl: findXl(String(s.options['xen-xl-binary'] ?? '')), events, log });
  const cpus = Number(s.options['sim-host-cpus']);
  const memoryMiB = Number(s.options['sim-host-memory']);
  return new SimHost({
    stateDir: s.stateDir,
    cpus,
    memoryMiB,
    dom0MemoryMiB: Math.min(1024, Math.floor(memoryMiB / 4)),
    dom0Cpus: Number(s.options['dom0-cpus']),
    shutdownDelayMs: Number(process.env.XEND_SIM_SHUTDOWN_MS ?? 800),
    events,
    log,
  });
}
