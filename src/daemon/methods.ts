import type { DomainService } from './domains.js';
import type { NodeService } from './node.js';
import type { CheckpointService } from './migration.js';
import { XendError } from '../protocol/faults.js';
import type { Sxp } from '../sxp/types.js';

/** A legacy XML-RPC method: positional arguments in, a value (or undefined for None) out. */
export type Method = (...args: unknown[]) => unknown;

const bool = (v: unknown, dflt: boolean): boolean => (v === undefined ? dflt : Boolean(v) && v !== '0' && v !== 'False');
const dom = (v: unknown): string | number => (typeof v === 'number' ? v : String(v));
const int = (v: unknown): number => (typeof v === 'number' ? v : Number.parseInt(String(v), 10));

/**
 * The legacy method table (xend-reference §1.4) onto the services. Names, argument
 * order and defaults are xend 4.4's; the servers only translate wire formats.
 */
export function legacyMethods(domains: DomainService, node: NodeService, checkpoints: CheckpointService): Map<string, Method> {
  const table: Record<string, Method> = {
    'xend.domain': (d, full) => domains.domain(dom(d), bool(full, false)),
    'xend.domains': (detail, full) => domains.domainsWithState(bool(detail, true), 'running', bool(full, false)),
    'xend.domains_with_state': (detail, state, full) =>
      domains.domainsWithState(bool(detail, true), state as string, bool(full, false)),
    'xend.domain.create': (config) => domains.create(config as Sxp),
    'xend.domain.destroy': (d) => domains.destroy(dom(d)),
    'xend.domain.pause': (d) => domains.pause(dom(d)),
    'xend.domain.unpause': (d) => domains.unpause(dom(d)),
    'xend.domain.shutdown': (d, reason) => domains.shutdown(dom(d), String(reason ?? 'poweroff')),
    'xend.domain.setMemoryTarget': (d, mib) => domains.setMemoryTarget(dom(d), int(mib)),
    'xend.domain.setVCpuCount': (d, n) => domains.setVcpuCount(dom(d), int(n)),
    'xend.domain.setName': (d, name) => domains.setName(dom(d), String(name)),
    'xend.domain.getVCPUInfo': (d) => domains.vcpuInfo(dom(d)),
    'xend.domain.getRestartCount': (d) => domains.restartCount(dom(d)),
    'xend.domain.waitForDevices': (d) => void domains.lookup(dom(d)),
    'xend.domain.save': (d, path, checkpoint) => checkpoints.save(String(d), absolute(path), bool(checkpoint, false)),
    'xend.domain.restore': (path, paused) => checkpoints.restore(absolute(path), bool(paused, false)),
    'xend.domain.migrate': (d, dst, live, port, _node, ssl, chs) =>
      checkpoints.migrate(String(d), String(dst), bool(live, false), port === undefined ? 0 : int(port), ssl === undefined || ssl === null ? null : bool(ssl, false), bool(chs, false)),
    // Not in xend: what xm shows while a migration runs, and its Ctrl-C.
    'xend.domain.migrateProgress': (d) => checkpoints.progress(String(d)),
    'xend.domain.migrateCancel': (d) => checkpoints.cancel(String(d)),
    'xend.domain.getMemoryChecksum': (d) => checkpoints.memoryChecksum(String(d)),
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
