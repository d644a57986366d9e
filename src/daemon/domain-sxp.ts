import { cpuidSxp, DEFAULT_POOL, type VmConfig } from '../vm/config.js';
import { PowerState } from '../protocol/domain.js';
import type { HvDomain, VcpuInfo, VcpuPinning } from '../hypervisor/types.js';
import { pyFloat } from '../sxp/float.js';
import { withVncLocation } from './vfb-location.js';
import type { Sxp } from '../sxp/types.js';

/** Xen-API power state number of a live domain (XendDomainInfo._stateGet). */
export function powerState(d: HvDomain): PowerState {
  if (d.flags.crashed) return PowerState.Crashed;
  if (d.flags.shutdown) return PowerState.Shutdown;
  if (d.flags.paused) return PowerState.Paused;
  return PowerState.Running;
}

function stateString(d: HvDomain): string {
  const f = d.flags;
  return (
    (f.running ? 'r' : '-') +
    (f.blocked ? 'b' : '-') +
    (f.paused ? 'p' : '-') +
    (f.shutdown ? 's' : '-') +
    (f.crashed ? 'c' : '-') +
    (f.dying ? 'd' : '-')
  );
}

/** The pinning vcpuInfo's cpumaps show on a host of `hostCpus` CPUs: a map of every CPU is none. */
export function pinsOfVcpus(vcpus: readonly VcpuInfo[], hostCpus: number): VcpuPinning {
  return vcpus.map((v) => (v.cpumap.length < hostCpus ? v.cpumap : null));
}

/** The physical CPUs VCPU `i` is pinned to, or null when it may run on any of the host's. */
export function pinnedCpus(pins: VcpuPinning | undefined, i: number): readonly number[] | null {
  return pins?.[i] ?? null;
}

/** `cpus` as xend shows it: one list of pinned physical CPUs per VCPU, empty when unpinned. */
function cpus(d: { vcpus: number }, pins?: VcpuPinning): Sxp {
  const out: Sxp[] = [];
  for (let i = 0; i < d.vcpus; i++) out.push([...(pinnedCpus(pins, i) ?? [])]);
  return out;
}

/**
 * The `(domain …)` record of XendConfig.to_sxp in legacy mode, in its key order
 * (xend-reference §9); `full` adds the devices.
 */
export function domainSxp(d: HvDomain, full: boolean, pins?: VcpuPinning): Sxp {
  const sxp: Sxp[] = ['domain', ['domid', d.domid]];
  const c = d.config;
  // Domain-0: xend did not build it, and has no config of it.
  if (d.domid === 0 || !c) {
    sxp.push(
      ['cpu_weight', d.cpuWeight ?? 256],
      ['cpu_cap', d.cpuCap ?? 0],
      ['pool_name', DEFAULT_POOL],
      ['bootloader', ''],
      ['vcpus', d.vcpus],
      ['cpus', cpus(d, pins)],
      ['on_poweroff', 'destroy'],
      ['on_crash', 'restart'],
      ['uuid', d.uuid],
      ['bootloader_args', ''],
      ['name', d.name],
      ['on_reboot', 'restart'],
      ['maxmem', d.maxmemMiB],
      ['memory', d.memoryMiB],
      ['shadow_memory', 0],
      ['features', ''],
      ['on_xend_start', 'ignore'],
      ['on_xend_stop', 'ignore'],
      ['cpu_time', pyFloat(d.cpuTime)],
      ['online_vcpus', d.onlineVcpus],
      ['image', ['linux', ['kernel', '']]],
      ['status', powerState(d)],
      ['state', stateString(d)],
    );
    return sxp;
  }
  sxp.push(['cpu_weight', d.cpuWeight ?? c.cpuWeight], ['cpu_cap', d.cpuCap ?? c.cpuCap], ['pool_name', c.poolName]);
  if (c.bootloader) sxp.push(['bootloader', c.bootloader]);
  sxp.push(['vcpus', d.vcpus], ['cpus', cpus(d, pins)], ['on_poweroff', c.onPoweroff]);
  if (c.description) sxp.push(['description', c.description]);
  sxp.push(['on_crash', c.onCrash], ['uuid', d.uuid]);
  if (c.bootloader) sxp.push(['bootloader_args', c.bootloaderArgs]);
  sxp.push(
    ['name', d.name],
    ['on_reboot', c.onReboot],
    ['maxmem', d.maxmemMiB],
    ['memory', d.memoryMiB],
    ['shadow_memory', 0],
    ['features', ''],
    ['on_xend_start', c.onXendStart],
    ['on_xend_stop', c.onXendStop],
    ['start_time', pyFloat(d.startTime)],
    ['cpu_time', pyFloat(d.cpuTime)],
    ['online_vcpus', d.onlineVcpus],
    c.image,
    ['status', powerState(d)],
    ['state', stateString(d)],
  );
  if (full) {
    for (const dev of c.devices) sxp.push(withVncLocation(dev, d.vncLocation));
    sxp.push(['device', ['console', ['protocol', 'vt100'], ['location', '2']]]);
  }
  sxp.push(...cpuidSxp(c));
  return sxp;
}

/**
 * The record of a managed domain that is not running (xm new, or suspended):
 * no domid and no state letters, power state halted or suspended.
 */
export function inactiveDomainSxp(c: VmConfig, status: PowerState, full: boolean): Sxp {
  const sxp: Sxp[] = ['domain', ['cpu_weight', c.cpuWeight], ['cpu_cap', c.cpuCap], ['pool_name', c.poolName]];
  if (c.bootloader) sxp.push(['bootloader', c.bootloader]);
  sxp.push(['vcpus', c.vcpus], ['cpus', cpus(c)], ['on_poweroff', c.onPoweroff]);
  if (c.description) sxp.push(['description', c.description]);
  sxp.push(['on_crash', c.onCrash], ['uuid', c.uuid]);
  if (c.bootloader) sxp.push(['bootloader_args', c.bootloaderArgs]);
  sxp.push(
    ['name', c.name],
    ['on_reboot', c.onReboot],
    ['maxmem', c.maxmem],
    ['memory', c.memory],
    ['shadow_memory', 0],
    ['features', ''],
    ['on_xend_start', c.onXendStart],
    ['on_xend_stop', c.onXendStop],
    ['cpu_time', pyFloat(0)],
    c.image,
    ['status', status],
  );
  if (full) for (const dev of c.devices) sxp.push(dev);
  sxp.push(...cpuidSxp(c));
  return sxp;
}
