import type { HostInfo } from '../types.js';
import { parseColonTable } from './parse.js';

/** `xl info` as xend's node info (the fields xend 4.4 had; xl prints the same names). */
export function hostInfoOf(xlInfo: string, uptime: number, xl: string): HostInfo {
  const t = parseColonTable(xlInfo);
  const s = (k: string) => t[k] ?? '';
  const n = (k: string) => {
    const v = Number.parseFloat(s(k));
    return Number.isFinite(v) ? v : 0;
  };
  return {
    host: s('host'),
    release: s('release'),
    version: s('version'),
    machine: s('machine'),
    nr_cpus: n('nr_cpus'),
    nr_nodes: n('nr_nodes'),
    cores_per_socket: n('cores_per_socket'),
    threads_per_core: n('threads_per_core'),
    cpu_mhz: Math.round(n('cpu_mhz')),
    hw_caps: s('hw_caps'),
    virt_caps: s('virt_caps'),
    total_memory: n('total_memory'),
    free_memory: n('free_memory'),
    free_cpus: n('free_cpus'),
    xen_major: n('xen_major'),
    xen_minor: n('xen_minor'),
    xen_extra: s('xen_extra'),
    xen_caps: s('xen_caps'),
    xen_scheduler: s('xen_scheduler'),
    xen_pagesize: n('xen_pagesize'),
    platform_params: s('platform_params'),
    xen_changeset: s('xen_changeset') || `xen backend: ${xl}`,
    xen_commandline: s('xen_commandline'),
    cc_compiler: s('cc_compiler'),
    cc_compile_by: s('cc_compile_by'),
    cc_compile_domain: s('cc_compile_domain'),
    cc_compile_date: s('cc_compile_date'),
    uptime,
  };
}
