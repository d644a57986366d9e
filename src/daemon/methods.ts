import type { DomainService } from './domains.js';
import type { NodeService } from './node.js';
import type { CheckpointService } from './checkpoint.js';
import type { ManagedService } from './managed.js';
import { poolMembers, type CpuPoolService } from './cpupools.js';
import type { SchedulerService } from './schedulers.js';
import type { PassthroughService } from './passthrough.js';
import type { DeviceService } from './devices/service.js';
import { parseFirst } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import { XEND, type ImplementationOf, type MethodSpec, type Param, type ParamKind, type ParamTypes, type XendImplementation } from '../protocol/methods.js';
import type { DOMAIN_METHODS } from '../protocol/xend/domain.js';
import type { NODE_METHODS } from '../protocol/xend/node.js';
import type { TmemService } from './tmem.js';
import type { TMEM_METHODS } from '../protocol/xend/tmem.js';
import type { VNET_METHODS } from '../protocol/xend/vnet.js';
import type { SECURITY_METHODS } from '../protocol/xend/security.js';
import { VNETS } from './vnet.js';
import { XSM_DUMMY } from './xsm.js';
import type { CPUPOOL_METHODS } from '../protocol/xend/cpupool.js';
import type { SCHEDULER_METHODS } from '../protocol/xend/scheduler.js';
import type { DEVICE_METHODS } from '../protocol/xend/device.js';
import type { Sxp } from '../sxp/types.js';
import { isPyInt, notAnInt } from '../python-int.js';

/** A legacy XML-RPC method: positional arguments in, a value (or undefined for None) out. */
export type Method = (...args: unknown[]) => unknown;

/** A scalar argument as text: a list (`['vm1']`) or struct must not pass as its text. */
const text = (v: unknown, what: string): string => {
  if (typeof v === 'object' && v !== null) throw new XendError(`Invalid ${what}: ${Array.isArray(v) ? 'a list' : 'a struct'} is not one`);
  return String(v);
};
const bool = (v: unknown): boolean => Boolean(v) && v !== '0' && v !== 'False';

/** Paths name files on xend's host: a relative one has no meaning there. */
function absolute(path: unknown): string {
  const p = String(path);
  if (!p.startsWith('/')) throw new XendError(`path must be absolute: ${p}`);
  return p;
}

/** More names than any host has pools. */
const MAX_NAMES = 256;

/** How xend read each kind of argument, from XML-RPC values or HTTP form fields (text). */
const DECODE: { [K in ParamKind]: (v: unknown, p: Param) => ParamTypes[K]['received'] } = {
  domain: (v) => (typeof v === 'number' ? v : text(v, 'domain')),
  text: (v, p) => text(v, p.label ?? p.name),
  token: (v, p) => (typeof v === 'number' ? v : text(v, p.label ?? p.name)),
  int: (v) => (typeof v === 'number' ? v : Number.parseInt(String(v), 10)),
  // None (or a field left out over HTTP) stays null; anything else must be an int, as xend asserted.
  optInt: (v) => {
    if (v === undefined || v === null || v === '' || v === 'None') return null;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (!isPyInt(String(v))) throw new Error(notAnInt(String(v)));
    return Number(v);
  },
  bool,
  optBool: (v) => (v === undefined || v === null ? null : bool(v)),
  path: absolute,
  optPath: (v) => (v === undefined || v === null || v === '' ? null : absolute(v)),
  // Nested arrays over XML-RPC, SXP text in an HTTP form field.
  sxp: (v) => (typeof v === 'string' ? parseFirst(v) : (v as Sxp)),
  names: (v, p) => {
    const list = Array.isArray(v) ? v : v === undefined || v === null || v === '' ? [] : [v];
    if (list.length > MAX_NAMES) throw new XendError(`Invalid ${p.name}: more than ${MAX_NAMES}`);
    return list.map((x) => text(x, p.name));
  },
};

function decode(p: Param, v: unknown): unknown {
  if ((v === undefined || v === null) && p.default !== undefined) return p.default;
  return DECODE[p.kind](v, p);
}

/** One wire method: its positional arguments checked and converted as the contract says, then named for the implementation. */
function bind(spec: MethodSpec, fn: (args: Record<string, unknown>) => unknown): Method {
  return (...args) => fn(Object.fromEntries(spec.params.map((p, i) => [p.name, decode(p, args[i])])));
}

/**
 * The legacy method table (xend-reference §1.4) onto the services, by wire name.
 * Names, argument order and defaults are the contract's (src/protocol/methods.ts);
 * the servers only translate wire formats.
 */
export function legacyMethods(services: Services): Map<string, Method> {
  const impl = implementation(services);
  return new Map(Object.entries(XEND).map(([key, spec]: [string, MethodSpec]) => [spec.name, bind(spec, impl[key as keyof XendImplementation] as (args: Record<string, unknown>) => unknown)]));
}

/** The services behind the methods, one per module of xend (XendDomain, XendNode, …). */
export interface Services {
  domains: DomainService;
  node: NodeService;
  checkpoints: CheckpointService;
  managed: ManagedService;
  tmem: TmemService;
  pools: CpuPoolService;
  schedulers: SchedulerService;
  passthrough: PassthroughService;
  devices: DeviceService;
}

function implementation(services: Services): XendImplementation {
  return {
    ...domainMethods(services),
    ...nodeMethods(services),
    ...deviceMethods(services),
    ...schedulerMethods(services),
    ...cpupoolMethods(services),
    ...tmemMethods(services),
    ...vnetMethods(),
    ...securityMethods(),
  };
}

function domainMethods({ domains, checkpoints, managed, schedulers, passthrough }: Services): ImplementationOf<typeof DOMAIN_METHODS> {
  /** A call that needs a running domain, given a managed one that is not: xend's refusal for it. */
  const started =
    <A extends { dom: string | number }, R>(fn: (a: A) => R, refusal?: string) =>
    (a: A): R => {
      if (refusal && !domains.resolve(a.dom).live) throw new XendError(refusal);
      domains.requireStarted(a.dom);
      return fn(a);
    };
  return {
    domain: (a) => domains.domain(a.dom, a.full),
    domains: (a) => domains.domainsWithState(a.detail, 'running', a.full),
    domains_with_state: (a) => domains.domainsWithState(a.detail, a.state, a.full),
    create: (a) => domains.create(a.config),
    destroy: (a) => domains.destroy(a.dom),
    pause: started((a) => domains.pause(a.dom)),
    unpause: started((a) => domains.unpause(a.dom)),
    setpauseflag: (a) => domains.setPauseFlag(a.dom, a.flag),
    getpauseflag: (a) => domains.getPauseFlag(a.dom),
    shutdown: started((a) => domains.shutdown(a.dom, a.reason), 'Domain cannot be shutdown'),
    setMemoryTarget: (a) => domains.setMemoryTarget(a.dom, a.target),
    setVCpuCount: (a) => domains.setVcpuCount(a.dom, a.vcpus),
    setName: (a) => domains.setName(a.dom, a.name),
    getVCPUInfo: (a) => domains.vcpuInfo(a.dom),
    getRestartCount: (a) => domains.restartCount(a.dom),
    waitForDevices: started((a) => void domains.lookup(a.dom)),
    save: started((a) => checkpoints.save(String(a.dom), a.file, a.checkpoint), 'Domain is not running'),
    restore: (a) => checkpoints.restore(a.file, a.paused),
    migrate: started((a) => checkpoints.migrate(String(a.dom), a.destination, a.live, a.port, a.ssl, a.change_home_server), 'Domain is not running'),
    migrateProgress: (a) => checkpoints.progress(String(a.dom)),
    migrateCancel: (a) => checkpoints.cancel(String(a.dom)),
    getMemoryChecksum: (a) => checkpoints.memoryChecksum(String(a.dom)),
    maxmem_set: (a) => domains.maxmemSet(a.dom, a.memory),
    pincpu: (a) => domains.pinVcpu(a.dom, a.vcpu, a.cpumap),
    sched_credit_get: (a) => (schedulers.requireScheduler(a.dom, 'credit'), domains.schedCreditGet(a.dom)),
    sched_credit_set: (a) => domains.schedCreditSet(a.dom, a.weight, a.cap),
    send_sysrq: (a) => domains.sendSysrq(a.dom, a.key),
    send_trigger: (a) => domains.sendTrigger(a.dom, a.name, a.vcpu ?? 0),
    reset: (a) => domains.reset(a.dom),
    dump: (a) => domains.dump(a.dom, a.file, a.live, a.crash, a.reset),
    new: (a) => managed.new(a.config),
    start: (a) => managed.start(a.dom, a.paused),
    delete: (a) => managed.delete(a.dom),
    suspend: (a) => managed.suspend(a.dom),
    resume: (a) => managed.resume(a.dom, a.paused),
    usb_add: (a) => passthrough.usbAdd(a.dom, a.dev_id),
    usb_del: (a) => passthrough.usbDel(a.dom, a.dev_id),
  };
}

function nodeMethods({ node, passthrough }: Services): ImplementationOf<typeof NODE_METHODS> {
  return {
    node_info: (a) => node.info(a.show_numa),
    node_dmesg_info: () => node.dmesg(),
    node_dmesg_clear: () => node.dmesgClear(),
    node_log: () => node.log(),
    send_debug_keys: (a) => node.sendDebugKeys(a.keys),
    pciinfo: () => passthrough.pciinfo(),
    scsiinfo: () => passthrough.scsiinfo(),
    usbinfo: () => passthrough.usbinfo(),
  };
}

function tmemMethods({ tmem }: Services): ImplementationOf<typeof TMEM_METHODS> {
  return {
    tmem_list: (a) => tmem.list(a.cli_id, a.use_long),
    tmem_thaw: (a) => tmem.thaw(a.cli_id),
    tmem_freeze: (a) => tmem.freeze(a.cli_id),
    tmem_flush: (a) => tmem.flush(a.cli_id, a.pages),
    tmem_destroy: (a) => tmem.destroy(a.cli_id),
    tmem_set_weight: (a) => tmem.setWeight(a.cli_id, a.weight),
    tmem_set_cap: (a) => tmem.setCap(a.cli_id, a.cap),
    tmem_set_compress: (a) => tmem.setCompress(a.cli_id, a.compress),
    tmem_query_freeable_mb: () => tmem.freeableMb(),
    tmem_shared_auth: (a) => tmem.sharedAuth(a.cli_id, a.uuid_str, a.auth),
  };
}

function vnetMethods(): ImplementationOf<typeof VNET_METHODS> {
  return { vnets: VNETS.list, vnet: (a) => VNETS.get(a.id), vnet_create: VNETS.create, vnet_delete: VNETS.delete };
}

/** The dummy XSM module's answers: they depend on no argument. */
function securityMethods(): ImplementationOf<typeof SECURITY_METHODS> {
  const x = XSM_DUMMY;
  return {
    security_set_resource_label: x.setResourceLabel,
    security_get_resource_label: x.getResourceLabel,
    security_list_labels: x.listLabels,
    security_get_labeled_resources: x.getLabeledResources,
    security_set_policy: x.setPolicy,
    security_reset_policy: x.resetPolicy,
    security_get_policy: x.getPolicy,
    security_activate_policy: x.activatePolicy,
    security_rm_bootpolicy: x.rmBootpolicy,
    security_get_xstype: x.getXstype,
    security_get_domain_label: x.getDomainLabel,
    security_set_domain_label: x.setDomainLabel,
  };
}

function schedulerMethods({ schedulers }: Services): ImplementationOf<typeof SCHEDULER_METHODS> {
  return {
    sched_credit2_get: (a) => schedulers.credit2Get(a.dom),
    sched_credit2_set: (a) => schedulers.credit2Set(a.dom, a.weight),
    cpu_sedf_get: (a) => schedulers.sedfGet(a.dom),
    cpu_sedf_set: (a) => schedulers.sedfSet(a.dom, a),
  };
}

function cpupoolMethods({ pools, domains }: Services): ImplementationOf<typeof CPUPOOL_METHODS> {
  const members = poolMembers(domains);
  return {
    cpu_pool_create: (a) => pools.create(a.config),
    cpu_pool_new: (a) => pools.new(a.config),
    cpu_pool_start: (a) => pools.start(a.pool),
    cpu_pool_list: (a) => pools.list(a.names),
    cpu_pool_destroy: (a) => pools.destroy(a.pool),
    cpu_pool_delete: (a) => pools.delete(a.pool),
    cpu_pool_cpu_add: (a) => pools.cpuAdd(a.pool, a.cpu),
    cpu_pool_cpu_remove: (a) => pools.cpuRemove(a.pool, a.cpu),
    cpu_pool_migrate: (a) => pools.migrate(a.dom, a.pool, members),
  };
}

function deviceMethods({ devices }: Services): ImplementationOf<typeof DEVICE_METHODS> {
  return {
    device_create: (a) => devices.create(a.dom, a.config),
    device_configure: (a) => devices.configure(a.dom, a.config, a.dev),
    destroyDevice: (a) => devices.destroy(a.dom, a.type, a.dev, a.force, a.rm_cfg),
    getDeviceSxprs: (a) => devices.sxprs(a.dom, a.type),
    getBlockDeviceClass: (a) => devices.blockDeviceClass(a.dom, a.devid),
  };
}
