import { readFileSync } from 'node:fs';
import { XendError } from '../protocol/faults.js';
import type { Hypervisor } from '../hypervisor/types.js';
import type { Sxp } from '../sxp/types.js';

/** xend_config_format: 4 since Xen 3.1, what xm checks before using newer calls. */
const XEND_CONFIG_FORMAT = 4;

/** The host side of xend: node info, the hypervisor's message ring, xend's own log. */
export class NodeService {
  constructor(
    private readonly hv: Hypervisor,
    private readonly logFile: string,
  ) {}

  /** xend.node.info: `[key, value]` pairs in XendNode's order. */
  info(showNuma = true): Sxp[] {
    const h = this.hv.hostInfo();
    const pairs: [string, Sxp][] = [
      ['system', 'Linux'],
      ['host', h.host],
      ['release', h.release],
      ['version', h.version],
      ['machine', h.machine],
      ['nr_cpus', h.nr_cpus],
      ['nr_nodes', h.nr_nodes],
      ['cores_per_socket', h.cores_per_socket],
      ['threads_per_core', h.threads_per_core],
      ['cpu_mhz', h.cpu_mhz],
      ['hw_caps', h.hw_caps],
      ['virt_caps', h.virt_caps],
      ['total_memory', h.total_memory],
      ['free_memory', h.free_memory],
      ['free_cpus', h.free_cpus],
    ];
    if (showNuma) {
      const cpus = Array.from({ length: h.nr_cpus }, (_, i) => i);
      pairs.push(
        ['cpu_topology', `cpu:    core    socket     node\n${cpus.map((c) => `  ${c}:       ${c}        0        0`).join('\n')}`],
        ['numa_info', `node:    memsize    memfree    distances\n   0:     ${h.total_memory}       ${h.free_memory}      10`],
      );
    }
    pairs.push(
      ['xen_major', h.xen_major],
      ['xen_minor', h.xen_minor],
      ['xen_extra', h.xen_extra],
      ['xen_caps', h.xen_caps],
      ['xen_scheduler', h.xen_scheduler],
      ['xen_pagesize', h.xen_pagesize],
      ['platform_params', h.platform_params],
      ['xen_changeset', h.xen_changeset],
      ['xen_commandline', h.xen_commandline],
      ['cc_compiler', h.cc_compiler],
      ['cc_compile_by', h.cc_compile_by],
      ['cc_compile_domain', h.cc_compile_domain],
      ['cc_compile_date', h.cc_compile_date],
      ['xend_config_format', XEND_CONFIG_FORMAT],
    );
    return pairs;
  }

  uptime(): number {
    return this.hv.hostInfo().uptime;
  }

  dmesg(): string | Promise<string> {
    return this.hv.dmesg();
  }

  dmesgClear(): string | Promise<string> {
    return this.hv.clearDmesg();
  }

  /** xend.node.send_debug_keys: printable keys only, a line's worth, as typed at Xen's console. */
  sendDebugKeys(keys: string): void {
    if (!/^[!-~]{1,80}$/.test(keys)) throw new XendError(`Invalid debug keys: ${JSON.stringify(keys.slice(0, 80))}`);
    if (!this.hv.sendDebugKeys) throw new XendError(`The ${this.hv.name} hypervisor backend cannot send debug keys`);
    this.hv.sendDebugKeys(keys);
  }

  log(): string {
    return readFileSync(this.logFile, 'utf8');
  }
}
