import { SimHost, type SimHostOptions } from './sim/host.js';
import { QemuHost, type QemuHostOptions } from './qemu/host.js';
import { XenHost, type XenHostOptions } from './xen/host.js';
import type { HostLog, Hypervisor, HypervisorEvents } from './types.js';

/** The backend `xend-hypervisor` names, with its own options (the worker makes them from xend-config.sxp). */
export type BackendOptions =
  | ({ kind: 'sim' } & Omit<SimHostOptions, 'dom0MemoryMiB' | 'events' | 'log'>)
  | ({ kind: 'qemu' } & Omit<QemuHostOptions, 'events' | 'log'>)
  | ({ kind: 'xen' } & Omit<XenHostOptions, 'events' | 'log'>);

export function createHypervisor(opts: BackendOptions, events: HypervisorEvents, log: HostLog): Hypervisor {
  if (opts.kind === 'qemu') return new QemuHost({ ...opts, events, log });
  if (opts.kind === 'xen') return new XenHost({ ...opts, events, log });
  return new SimHost({ ...opts, dom0MemoryMiB: Math.min(1024, Math.floor(opts.memoryMiB / 4)), events, log });
}
