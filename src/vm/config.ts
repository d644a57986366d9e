import { randomUUID } from 'node:crypto';
import { childValue, children } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import { DOMAIN_NAME_RE, INVALID_NAME } from '../protocol/domain.js';
import { checkStrings, checkVcpus, devicesOf, vifSettings } from './config-limits.js';
import { parseCpus, parseVcpuAvail, vcpuAvailBitmap } from './vcpu-config.js';
import { parseCpuid, type CpuidPolicy } from './cpuid.js';
import { CRASH_ACTIONS, RESTART_ACTIONS, XEND_START_ACTIONS, XEND_STOP_ACTIONS } from '../config/domain-limits.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt } from '../python-int.js';

/** The pool every CPU is in when Xen boots, and every domain unless its config names another. */
export const DEFAULT_POOL = 'Pool-0';

/**
 * A domain's configuration as xend keeps it, validated from a `(vm …)` SXP: what
 * a backend's record of the domain holds. SXP is made from it only where it
 * leaves xend (the wire, the save stream, the managed store's files).
 */
export interface VmConfig {
  name: string;
  uuid: string;
  memory: number;
  maxmem: number;
  vcpus: number;
  /** VCPUs online when it starts (xend's vcpu_avail: the first this many). */
  onlineVcpus: number;
  /** Physical CPUs each VCPU is pinned to at start (empty: any). */
  cpus: number[][];
  onPoweroff: string;
  onReboot: string;
  onCrash: string;
  onXendStart: string;
  onXendStop: string;
  cpuWeight: number;
  cpuCap: number;
  /** The CPU pool it runs in (xend's pool_name; empty meant Pool-0). */
  poolName: string;
  description: string;
  bootloader: string;
  bootloaderArgs: string;
  /** The `(image (builder (key value) …))` entry. */
  image: Sxp[];
  /** The `(device (class (key value) …))` entries, in the config's order. */
  devices: Sxp[];
  /** CPUID values the guest sees, and those its host must have (xm's cpuid, cpuid_check); absent when not given. */
  cpuid?: CpuidPolicy;
  cpuidCheck?: CpuidPolicy;
}

/** What xend filled in for a setting a config leaves out (XendConfig's defaults). */
export const VM_DEFAULTS = {
  onPoweroff: 'destroy',
  onReboot: 'restart',
  onCrash: 'restart',
  onXendStart: 'ignore',
  onXendStop: 'ignore',
  cpuWeight: 256,
  cpuCap: 0,
  poolName: DEFAULT_POOL,
  description: '',
  bootloader: '',
  bootloaderArgs: '',
} as const satisfies Partial<VmConfig>;

function intValue(vm: Sxp, key: string, dflt: number, min: number): number {
  const raw = childValue(vm, key, null);
  if (raw === null) return dflt;
  const n = typeof raw === 'number' ? raw : isPyInt(String(raw)) ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min) throw new XendError(`Invalid configuration value for ${key}: ${String(raw)}`);
  return n;
}

function choice(vm: Sxp, key: string, allowed: readonly string[], dflt: string): string {
  const v = childValue(vm, key, null);
  if (v === null) return dflt;
  if (!allowed.includes(String(v))) throw new XendError(`Invalid ${key} value: ${String(v)}`);
  return String(v);
}

/** Deeper than any real config: a deeper one is hostile and would poison every listing. */
const MAX_DEPTH = 32;

function depth(v: Sxp): number {
  let max = 0;
  const stack: [Sxp, number][] = [[v, 0]];
  while (stack.length) {
    const [x, d] = stack.pop()!;
    if (d > max) max = d;
    if (d > MAX_DEPTH) return d;
    if (Array.isArray(x)) for (const c of x) stack.push([c, d + 1]);
  }
  return max;
}

/** Validates a `(vm …)` config as xend's XendConfig did, filling xend's defaults. */
export function parseVmConfig(vm: Sxp): VmConfig {
  if (depth(vm) > MAX_DEPTH) throw new XendError(`Invalid configuration: nested deeper than ${MAX_DEPTH} levels`);
  if (!Array.isArray(vm) || (vm[0] !== 'vm' && vm[0] !== 'domain')) {
    throw new XendError('Invalid configuration: expected (vm …)');
  }
  checkStrings(vm);
  const rawName = childValue(vm, 'name', 'Domain-Unnamed');
  // A name given as a list would pass as its text: only a name is a name.
  const name = typeof rawName === 'string' ? rawName : '';
  if (!DOMAIN_NAME_RE.test(name)) throw new XendError(INVALID_NAME);
  // No memory (xm leaves out memory=0) is XendConfig._memory_sanity_check's refusal, not a default.
  const memory = intValue(vm, 'memory', 0, 0);
  if (memory === 0) throw new XendError('Invalid Configuration: memory_dynamic_max must be greater than zero');
  const maxmem = Math.max(intValue(vm, 'maxmem', memory, 1), memory);
  const uuid = String(childValue(vm, 'uuid', '') || randomUUID());
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(uuid)) {
    throw new XendError(`Invalid UUID: ${uuid}`);
  }
  const vcpus = intValue(vm, 'vcpus', 1, 0);
  if (vcpus < 1) throw new XendError('Zero or less VCPUs is invalid');
  checkVcpus(vcpus);
  const devices = children(vm, 'device');
  for (const vif of devicesOf(devices, ['vif'])) vifSettings(vif);
  const cpuid = parseCpuid(childValue(vm, 'cpuid', undefined), 'cpuid');
  const cpuidCheck = parseCpuid(childValue(vm, 'cpuid_check', undefined), 'cpuid_check');
  // xm sends them as dicts (XML-RPC structs), which checkStrings above did not look into.
  checkStrings(cpuidSxp({ cpuid, cpuidCheck }));
  return {
    name,
    uuid,
    memory,
    maxmem,
    vcpus,
    onlineVcpus: parseVcpuAvail(childValue(vm, 'vcpu_avail', null), vcpus),
    cpus: parseCpus(childValue(vm, 'cpus', null), childValue(vm, 'cpu', null), vcpus),
    onPoweroff: choice(vm, 'on_poweroff', RESTART_ACTIONS, VM_DEFAULTS.onPoweroff),
    onReboot: choice(vm, 'on_reboot', RESTART_ACTIONS, VM_DEFAULTS.onReboot),
    onCrash: choice(vm, 'on_crash', CRASH_ACTIONS, VM_DEFAULTS.onCrash),
    onXendStart: choice(vm, 'on_xend_start', XEND_START_ACTIONS, VM_DEFAULTS.onXendStart),
    onXendStop: choice(vm, 'on_xend_stop', XEND_STOP_ACTIONS, VM_DEFAULTS.onXendStop),
    cpuWeight: intValue(vm, 'cpu_weight', VM_DEFAULTS.cpuWeight, 1),
    cpuCap: intValue(vm, 'cpu_cap', VM_DEFAULTS.cpuCap, 0),
    poolName: String(childValue(vm, 'pool_name', '') || VM_DEFAULTS.poolName),
    description: String(childValue(vm, 'description', VM_DEFAULTS.description)),
    bootloader: String(childValue(vm, 'bootloader', VM_DEFAULTS.bootloader)),
    bootloaderArgs: String(childValue(vm, 'bootloader_args', VM_DEFAULTS.bootloaderArgs)),
    image: children(vm, 'image')[0] ?? ['image', ['linux', ['kernel', '']]],
    devices,
    ...(cpuid && { cpuid }),
    ...(cpuidCheck && { cpuidCheck }),
  };
}

/** The image types xend 4.4 could build on x86 (image._handlers). */
const IMAGE_TYPES = ['linux', 'hvm'];

/** image.findImageHandlerClass: the image's kind is the name of its one entry (`more`: the backend's own, such as xen's pvh). */
export function checkImageType(image: Sxp, more: readonly string[] = []): void {
  const body = Array.isArray(image) ? image[1] : undefined;
  const type = body === undefined ? 'linux' : String(Array.isArray(body) ? body[0] : body);
  if (!IMAGE_TYPES.includes(type) && !more.includes(type)) throw new XendError(`unknown image type: ${type}`);
}

/** Serialises a config back to the `(vm …)` form stored beside the domain. */
export function vmConfigSxp(c: VmConfig): Sxp {
  return [
    'vm',
    ['name', c.name],
    ['uuid', c.uuid],
    ['memory', c.memory],
    ['maxmem', c.maxmem],
    ['vcpus', c.vcpus],
    // Only when they say something: a config without them reads back the same.
    ...(c.onlineVcpus < c.vcpus ? [['vcpu_avail', vcpuAvailBitmap(c.onlineVcpus)]] : []),
    ...(c.cpus.some((p) => p.length) ? [['cpus', c.cpus.map((p) => [...p])]] : []),
    ['on_poweroff', c.onPoweroff],
    ['on_reboot', c.onReboot],
    ['on_crash', c.onCrash],
    ['on_xend_start', c.onXendStart],
    ['on_xend_stop', c.onXendStop],
    ['cpu_weight', c.cpuWeight],
    ['cpu_cap', c.cpuCap],
    // Only when it says something: a config without it reads back the same.
    ...(c.poolName !== DEFAULT_POOL ? [['pool_name', c.poolName]] : []),
    ['description', c.description],
    ['bootloader', c.bootloader],
    ['bootloader_args', c.bootloaderArgs],
    c.image,
    ...c.devices,
    ...cpuidSxp(c),
  ];
}

/** What a backend that cannot set a guest's CPUID says of a config that asks it to (the sim keeps them as data). */
export function refuseCpuid(c: Pick<VmConfig, 'cpuid' | 'cpuidCheck'>, backend: string, Refusal: new (message: string) => Error): void {
  const asked = [c.cpuid && 'cpuid', c.cpuidCheck && 'cpuid_check'].filter(Boolean);
  if (asked.length) throw new Refusal(`${asked.join(' and ')} ${asked.length > 1 ? 'are' : 'is'} not supported by the ${backend} backend`);
}

/** XendConfig.cpuid_to_sxp: `(cpuid ((input ((reg value) …)) …))`, then cpuid_check, each only when given. */
export function cpuidSxp(c: Pick<VmConfig, 'cpuid' | 'cpuidCheck'>): Sxp[] {
  return [...(c.cpuid ? [['cpuid', c.cpuid]] : []), ...(c.cpuidCheck ? [['cpuid_check', c.cpuidCheck]] : [])];
}

/**
 * A config as a file kept it: the typed record, or the `(vm …)` SXP that an
 * earlier version of xend stored there (parsed, so a root it wrote still loads).
 */
export function storedVmConfig(kept: VmConfig | Sxp): VmConfig {
  return Array.isArray(kept) ? parseVmConfig(kept) : (kept as VmConfig);
}
