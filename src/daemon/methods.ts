import type { DomainService } from './domains.js';
import type { NodeService } from './node.js';
import type { CheckpointService } from './checkpoint.js';
import type { ManagedService } from './managed.js';
import { parseFirst } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import type { Sxp } from '../sxp/types.js';

/** A legacy XML-RPC method: positional arguments in, a value (or undefined for None) out. */
export type Method = (...args: unknown[]) => unknown;

const bool = (v: unknown, dflt: boolean): boolean => (v === undefined ? dflt : Boolean(v) && v !== '0' && v !== 'False');
/** A scalar argument as text: a list (`['vm1']`) or struct must not pass as its text. */
const text = (v: unknown, what: string): string => {
  if (typeof v === 'object' && v !== null) throw new XendError(`Invalid ${what}: ${Array.isArray(v) ? 'a list' : 'a struct'} is not one`);
  return String(v);
};
const dom = (v: unknown): string | number => (typeof v === 'number' ? v : text(v, 'domain'));
const int = (v: unknown): number => (typeof v === 'number' ? v : Number.parseInt(String(v), 10));
/** None (or a field left out over HTTP) stays null; anything else must be an int, as xend asserted. */
const optInt = (v: unknown): number | null => {
  if (v === undefined || v === null || v === '' || v === 'None') return null;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (!/^\s*[-+]?\d+\s*$/.test(String(v))) throw new Error(`invalid literal for int() with base 10: '${String(v)}'`);
  return Number(v);
};
/** A config as XML-RPC carries it (nested arrays) or as an HTTP form field does (SXP text). */
const config = (v: unknown): Sxp => (typeof v === 'string' ? parseFirst(v) : (v as Sxp));

/**
 * The legacy method table (xend-reference §1.4) onto the services. Names, argument
 * order and defaults are xend 4.4's; the servers only translate wire formats.
 */
export function legacyMethods(domains: DomainService, node: NodeService, checkpoints: CheckpointService, managed?: ManagedService): Map<string, Method> {
  /** A call that needs a running domain, given a managed one that is not: xend's refusal for it. */
  const started =
    (fn: Method, refusal?: string): Method =>
    (d, ...rest) => {
      if (refusal && !domains.resolve(dom(d)).live) throw new XendError(refusal);
      domains.requireStarted(dom(d));
      return fn(d, ...rest);
    };
  const table: Record<string, Method> = {
    'xend.domain': (d, full) => domains.domain(dom(d), bool(full, false)),
    'xend.domains': (detail, full) => domains.domainsWithState(bool(detail, true), 'running', bool(full, false)),
    'xend.domains_with_state': (detail, state, full) =>
      domains.domainsWithState(bool(detail, true), state as string, bool(full, false)),
    'xend.domain.create': (config) => domains.create(config as Sxp),
    'xend.domain.destroy': (d) => domains.destroy(dom(d)),
    'xend.domain.pause': started((d) => domains.pause(dom(d))),
    'xend.domain.unpause': started((d) => domains.unpause(dom(d))),
    'xend.domain.shutdown': started((d, reason) => domains.shutdown(dom(d), String(reason ?? 'poweroff')), 'Domain cannot be shutdown'),
    'xend.domain.setMemoryTarget': (d, mib) => domains.setMemoryTarget(dom(d), int(mib)),
    'xend.domain.setVCpuCount': (d, n) => domains.setVcpuCount(dom(d), int(n)),
    'xend.domain.setName': (d, name) => domains.setName(dom(d), text(name, 'VM Name')),
    'xend.domain.getVCPUInfo': started((d) => domains.vcpuInfo(dom(d))),
    'xend.domain.getRestartCount': started((d) => domains.restartCount(dom(d))),
    'xend.domain.waitForDevices': started((d) => void domains.lookup(dom(d))),
    'xend.domain.save': started((d, path, checkpoint) => checkpoints.save(String(d), absolute(path), bool(checkpoint, false)), 'Domain is not running'),
    'xend.domain.restore': (path, paused) => checkpoints.restore(absolute(path), bool(paused, false)),
    'xend.domain.migrate': started((d, dst, live, port, _node, ssl, chs) =>
      checkpoints.migrate(String(d), String(dst), bool(live, false), port === undefined ? 0 : int(port), ssl === undefined || ssl === null ? null : bool(ssl, false), bool(chs, false)), 'Domain is not running'),
    // Not in xend: what xm shows while a migration runs, and its Ctrl-C.
    'xend.domain.migrateProgress': (d) => checkpoints.progress(String(d)),
    'xend.domain.migrateCancel': (d) => checkpoints.cancel(String(d)),
    'xend.domain.getMemoryChecksum': (d) => checkpoints.memoryChecksum(String(d)),
    'xend.domain.maxmem_set': (d, mib) => domains.maxmemSet(dom(d), int(mib)),
    'xend.domain.pincpu': (d, vcpu, cpumap) => domains.pinVcpu(dom(d), vcpu as string | number, String(cpumap)),
    'xend.domain.sched_credit_get': (d) => domains.schedCreditGet(dom(d)),
    'xend.domain.sched_credit_set': (d, weight, cap) => domains.schedCreditSet(dom(d), optInt(weight), optInt(cap)),
    'xend.domain.send_sysrq': (d, key) => domains.sendSysrq(dom(d), key as string | number),
    'xend.domain.send_trigger': (d, name, vcpu) => domains.sendTrigger(dom(d), String(name), optInt(vcpu) ?? 0),
    'xend.domain.reset': (d) => domains.reset(dom(d)),
    'xend.domain.dump': (d, file, liveDump, crash, reset) =>
      domains.dump(dom(d), file === undefined || file === null || file === '' ? null : absolute(file), bool(liveDump, false), bool(crash, false), bool(reset, false)),
    ...(managed && {
      'xend.domain.new': (c: unknown) => managed.new(config(c)),
      'xend.domain.start': (d: unknown, paused: unknown) => managed.start(dom(d), bool(paused, true)),
      'xend.domain.delete': (d: unknown) => managed.delete(dom(d)),
      'xend.domain.suspend': (d: unknown) => managed.suspend(dom(d)),
      'xend.domain.resume': (d: unknown, paused: unknown) => managed.resume(dom(d), bool(paused, false)),
    }),
    'xend.node.info': (showNuma) => node.info(bool(showNuma, true)),
    'xend.node.dmesg.info': () => node.dmesg(),
    'xend.node.dmesg.clear': () => node.dmesgClear(),
    'xend.node.log': () => node.log(),
  };
  return new Map(Object.entries(table));
}

/** Paths name files on xend's host: a relative one has no meaning there. */
function absolute(path: unknown): string {
  const p = String(path);
  if (!p.startsWith('/')) throw new XendError(`path must be absolute: ${p}`);
  return p;
}
