import type { DomainService } from './domains.js';
import type { NodeService } from './node.js';
import type { CheckpointService } from './migration.js';
import type { ManagedService } from './managed.js';
import { parseFirst } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import { XEND, type MethodSpec, type Param, type ParamKind, type ParamTypes, type XendImplementation } from '../protocol/methods.js';
import type { Sxp } from '../sxp/types.js';

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
    if (!/^\s*[-+]?\d+\s*$/.test(String(v))) throw new Error(`invalid literal for int() with base 10: '${String(v)}'`);
    return Number(v);
  },
  bool,
  optBool: (v) => (v === undefined || v === null ? null : bool(v)),
  path: absolute,
  optPath: (v) => (v === undefined || v === null || v === '' ? null : absolute(v)),
  // Nested arrays over XML-RPC, SXP text in an HTTP form field.
  config: (v) => (typeof v === 'string' ? parseFirst(v) : (v as Sxp)),
};

function decode(p: Param, v: unknown): unknown {
  if ((v === undefined || v === null) && p.default !== undefined) return p.default;
  return DECODE[p.kind](v, p);
}

/** One wire method: its arguments checked and converted as the contract says, then the implementation. */
function bind(spec: MethodSpec, fn: (...args: unknown[]) => unknown): Method {
  return (...args) => fn(...spec.params.map((p, i) => decode(p, args[i])));
}

/**
 * The legacy method table (xend-reference §1.4) onto the services, by wire name.
 * Names, argument order and defaults are the contract's (src/protocol/methods.ts);
 * the servers only translate wire formats.
 */
export function legacyMethods(domains: DomainService, node: NodeService, checkpoints: CheckpointService, managed: ManagedService): Map<string, Method> {
  const impl = implementation(domains, node, checkpoints, managed);
  return new Map(Object.entries(XEND).map(([key, spec]: [string, MethodSpec]) => [spec.name, bind(spec, impl[key as keyof XendImplementation] as (...args: unknown[]) => unknown)]));
}

function implementation(domains: DomainService, node: NodeService, checkpoints: CheckpointService, managed: ManagedService): XendImplementation {
  /** A call that needs a running domain, given a managed one that is not: xend's refusal for it. */
  const started =
    <A extends unknown[], R>(fn: (d: string | number, ...rest: A) => R, refusal?: string) =>
    (d: string | number, ...rest: A): R => {
      if (refusal && !domains.resolve(d).live) throw new XendError(refusal);
      domains.requireStarted(d);
      return fn(d, ...rest);
    };
  return {
    domain: (d, full) => domains.domain(d, full),
    domains: (detail, full) => domains.domainsWithState(detail, 'running', full),
    domains_with_state: (detail, state, full) => domains.domainsWithState(detail, state, full),
    create: (config) => domains.create(config),
    destroy: (d) => domains.destroy(d),
    pause: started((d) => domains.pause(d)),
    unpause: started((d) => domains.unpause(d)),
    shutdown: started((d, reason: string) => domains.shutdown(d, reason), 'Domain cannot be shutdown'),
    setMemoryTarget: (d, mib) => domains.setMemoryTarget(d, mib),
    setVCpuCount: (d, n) => domains.setVcpuCount(d, n),
    setName: (d, name) => domains.setName(d, name),
    getVCPUInfo: started((d) => domains.vcpuInfo(d)),
    getRestartCount: started((d) => domains.restartCount(d)),
    waitForDevices: started((d) => void domains.lookup(d)),
    save: started((d, path: string, checkpoint: boolean) => checkpoints.save(String(d), path, checkpoint), 'Domain is not running'),
    restore: (path, paused) => checkpoints.restore(path, paused),
    migrate: started(
      (d, dst: string, live: boolean, port: number, _node: number, ssl: boolean | null, changeHome: boolean) => checkpoints.migrate(String(d), dst, live, port, ssl, changeHome),
      'Domain is not running',
    ),
    migrateProgress: (d) => checkpoints.progress(String(d)),
    migrateCancel: (d) => checkpoints.cancel(String(d)),
    getMemoryChecksum: (d) => checkpoints.memoryChecksum(String(d)),
    maxmem_set: (d, mib) => domains.maxmemSet(d, mib),
    pincpu: (d, vcpu, cpumap) => domains.pinVcpu(d, vcpu, cpumap),
    sched_credit_get: (d) => domains.schedCreditGet(d),
    sched_credit_set: (d, weight, cap) => domains.schedCreditSet(d, weight, cap),
    send_sysrq: (d, key) => domains.sendSysrq(d, key),
    send_trigger: (d, name, vcpu) => domains.sendTrigger(d, name, vcpu ?? 0),
    reset: (d) => domains.reset(d),
    dump: (d, file, live, crash, reset) => domains.dump(d, file, live, crash, reset),
    new: (config) => managed.new(config),
    start: (d, paused) => managed.start(d, paused),
    delete: (d) => managed.delete(d),
    suspend: (d) => managed.suspend(d),
    resume: (d, paused) => managed.resume(d, paused),
    node_info: (showNuma) => node.info(showNuma),
    node_dmesg_info: () => node.dmesg(),
    node_dmesg_clear: () => node.dmesgClear(),
    node_log: () => node.log(),
  };
}
