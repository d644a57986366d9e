import { XendError } from '../protocol/faults.js';
import type { Hypervisor } from '../hypervisor/types.js';

export interface BalloonPolicy {
  enabled: boolean;
  dom0MinMiB: number;
}

/**
 * Makes `needMiB` free for a new domain, shrinking Domain-0 as xend's balloon.py
 * did, and refusing with its messages when that cannot be done.
 */
export function freeMemory(hv: Hypervisor, needMiB: number, policy: BalloonPolicy): void {
  const free = hv.hostInfo().free_memory;
  if (free >= needMiB) return;
  if (!policy.enabled) {
    throw new XendError(
      `Not enough free memory and enable-dom0-ballooning is False, so I cannot release any more.  ` +
        `I need ${needMiB * 1024} KiB but only have ${free * 1024}.\n` +
        `${needMiB} MiB needed, ${free} MiB free; (enable-dom0-ballooning yes) lets Domain-0 give memory back`,
    );
  }
  const dom0 = hv.get(0);
  const target = (dom0?.memoryMiB ?? 0) - (needMiB - free);
  if (!dom0 || target < policy.dom0MinMiB) {
    throw new XendError(
      'Not enough memory is available, and dom0 cannot be shrunk any further\n' +
        `${needMiB} MiB needed, ${free} MiB free; Domain-0 has ${dom0?.memoryMiB ?? 0} MiB and keeps at least ${policy.dom0MinMiB} MiB (dom0-min-mem)`,
    );
  }
  hv.setMemory(0, target);
}
