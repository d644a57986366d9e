import { readFileSync } from 'node:fs';
import { HostsAllow } from './hosts-allow.js';
import { beyondLoopback, describeEndpoint, listen, type Endpoint, type Listener, type UpgradeListener } from './listen.js';
import { xmlRpcHandler } from './xmlrpc.js';
import { httpHandler } from './http.js';
import { confinePaths, type ConfigRules, type ConfinedDirs } from '../path-policy.js';
import type { Method } from '../methods.js';
import type { XendSettings } from '../settings.js';
import type { XendPaths } from '../../config/paths.js';
import type { Logger } from '../log.js';

interface Planned {
  endpoint: Endpoint;
  protocol: 'XML-RPC' | 'HTTP';
}

/** Which management servers xend-config.sxp switches on, and where (xend-reference §1–§2). */
export function plannedServers(s: XendSettings, paths: XendPaths): Planned[] {
  const o = s.options;
  const group = o['xend-unix-socket-group'] || undefined;
  const planned: Planned[] = [];
  if (o['xend-unix-xmlrpc-server']) planned.push({ protocol: 'XML-RPC', endpoint: { kind: 'unix', path: paths.xmlrpcSocket, ...(group && { group }) } });
  if (o['xend-tcp-xmlrpc-server']) {
    const key = o['xend-tcp-xmlrpc-server-ssl-key-file'];
    const cert = o['xend-tcp-xmlrpc-server-ssl-cert-file'];
    const tls = key && cert ? { key: readFileSync(String(key)), cert: readFileSync(String(cert)) } : undefined;
    planned.push({
      protocol: 'XML-RPC',
      endpoint: { kind: 'tcp', host: String(o['xend-tcp-xmlrpc-server-address']) || 'localhost', port: Number(o['xend-tcp-xmlrpc-server-port']), ...(tls && { tls }) },
    });
  }
  // '' is every address, as in xend (and the warning below says so).
  if (o['xend-http-server']) planned.push({ protocol: 'HTTP', endpoint: { kind: 'tcp', host: String(o['xend-address']), port: Number(o['xend-port']) } });
  if (o['xend-unix-server']) planned.push({ protocol: 'HTTP', endpoint: { kind: 'unix', path: s.httpUnixPath, ...(group && { group }) } });
  return planned;
}

/** Starts every configured management server; on any failure stops those already started and rethrows. */
export interface ManagementHandlers {
  methods: Map<string, Method>;
  /** Console streams (HTTP Upgrade), served on every management server. */
  upgrade: UpgradeListener;
  /** Where TCP clients may name files. */
  dirs: ConfinedDirs;
  /** What their domain configs may name. */
  rules: ConfigRules;
}

export async function startManagementServers(s: XendSettings, paths: XendPaths, handlers: ManagementHandlers, log: Logger, trace?: (line: string) => void): Promise<Listener[]> {
  const { upgrade, dirs } = handlers;
  const hostsAllow = HostsAllow.fromOption('xend-hosts-allow', String(s.options['xend-hosts-allow']), log);
  const { limits } = s;
  const serve = (methods: Map<string, Method>) => ({
    XML: xmlRpcHandler({ methods, maxRequestBytes: limits.maxRequestBytes, ...(trace && { trace }) }),
    HTTP: httpHandler(methods),
  });
  // Only root may name any file: TCP peers, and a socket group's members, get the confined table.
  const trusted = serve(handlers.methods);
  const confined = serve(confinePaths(handlers.methods, dirs, handlers.rules));
  const started: Listener[] = [];
  try {
    for (const p of plannedServers(s, paths)) {
      const rootOnly = p.endpoint.kind === 'unix' && !p.endpoint.group;
      const handler = (rootOnly ? trusted : confined)[p.protocol === 'HTTP' ? 'HTTP' : 'XML'];
      const listener = await listen(handler, p.endpoint, {
        hostsAllow,
        upgrade,
        limits,
        onDenied: (address, name) => log.warning(`Rejected connection from ${address} (${name}).`),
      });
      started.push(listener);
      log.info(`${p.protocol} server listening on ${describeEndpoint(p.endpoint)}`);
      if (p.endpoint.kind === 'tcp' && !p.endpoint.tls && beyondLoopback(p.endpoint.host)) {
        log.warning(`${p.protocol} server on ${describeEndpoint(p.endpoint)} listens beyond loopback without TLS: anyone who reaches it controls every domain; restrict it with xend-hosts-allow`);
      }
    }
  } catch (err) {
    await Promise.all(started.map((l) => l.close()));
    throw err;
  }
  return started;
}
