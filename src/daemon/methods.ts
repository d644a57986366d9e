import type { DomainService } from './domains.js';
import type { NodeService } from './node.js';
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
export function legacyMethods(domains: DomainService, node: NodeService): Map<string, Method> {
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
    'xend.node.info': (showNuma) => node.info(bool(showNuma, true)),
    'xend.node.dmesg.info': () => node.dmesg(),
    'xend.node.dmesg.clear': () => node.dmesgClear(),
    'xend.node.log': () => node.log(),
  };
  return new Map(Object.entries(table));
}
