import type { Sxp } from '../../sxp/types.js';
import { DOMAIN_NAME_RE } from '../../protocol/domain.js';
import type { HvDomain } from '../types.js';
import { VM_DEFAULTS, type VmConfig } from '../../vm/config.js';
import { shutdownReasonOf, type XlDomainConfig, type XlListEntry } from './parse.js';
import { foreignDevices } from './devices.js';

const DOM0_UUID = '00000000-0000-0000-0000-000000000000';

/** xend's record of a domain it did not build: Domain-0, or one made with `xl` behind its back. */
export function hostDomain(e: XlListEntry, long: XlDomainConfig | undefined, startTime: number): HvDomain {
  const down = e.flags.shutdown || e.flags.crashed;
  return {
    domid: e.domid,
    // xl prints (null) when it cannot read a name from xenstore; Domain-0's is fixed.
    name: e.domid === 0 ? 'Domain-0' : e.name,
    uuid: e.uuid || DOM0_UUID,
    memoryMiB: e.memoryMiB,
    maxmemMiB: Math.max(long?.maxmemMiB ?? 0, e.memoryMiB),
    vcpus: Math.max(long?.maxVcpus ?? 0, e.vcpus),
    onlineVcpus: e.vcpus,
    flags: e.flags,
    shutdownReason: down ? shutdownReasonOf(e.reasonCode, e.flags.crashed) : null,
    cpuTime: e.cpuTime,
    startTime,
    config: e.domid === 0 ? null : foreignConfig(e, long),
    restartCount: 0,
    incomplete: false,
    // xend leaves its shutdown to whoever built it (xl's own background process).
    shutdownHandled: true,
    ...(long?.weight !== undefined && { cpuWeight: long.weight }),
    ...(long?.cap !== undefined && { cpuCap: long.cap }),
  };
}

/** Whether xend can serve a domain of that name (xend destroys what it cannot serve: it is hidden instead). */
export function servableName(name: string): boolean {
  return DOMAIN_NAME_RE.test(name);
}

/** xend's config of a domain xl built: what `xl list -l` told, xend's defaults for the rest; xl acts on its shutdown. */
function foreignConfig(e: XlListEntry, long: XlDomainConfig | undefined): VmConfig {
  const builder = long?.type === 'hvm' ? 'hvm' : long?.type === 'pvh' ? 'pvh' : 'linux';
  const image: Sxp[] = [builder];
  if (long?.kernel) image.push(['kernel', long.kernel]);
  if (long?.ramdisk) image.push(['ramdisk', long.ramdisk]);
  if (long?.cmdline) image.push(['args', long.cmdline]);
  const vcpus = Math.max(1, long?.maxVcpus ?? 0, e.vcpus);
  const memory = Math.max(1, long?.memoryMiB || e.memoryMiB);
  return {
    ...VM_DEFAULTS,
    name: e.name,
    uuid: e.uuid,
    memory,
    maxmem: Math.max(memory, long?.maxmemMiB ?? 0, e.memoryMiB),
    vcpus,
    onlineVcpus: vcpus,
    cpus: Array.from({ length: vcpus }, () => []),
    onPoweroff: 'preserve',
    onReboot: 'preserve',
    onCrash: 'preserve',
    image: ['image', image],
    devices: foreignDevices(long),
  };
}
