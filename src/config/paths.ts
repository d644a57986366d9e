import { join } from 'node:path';

/**
 * Every default path of the suite, derived from one root prefix so that xm and
 * xend always agree. XEND_ROOT relocates them all (tests, demos, non-root users);
 * XEND_CONFIG names the config file as it does for the real xend.
 */
export interface XendPaths {
  readonly root: string;
  readonly configFile: string;
  readonly configDir: string;
  readonly xmlrpcSocket: string;
  readonly pidFile: string;
  readonly statusFile: string;
  readonly logFile: string;
  readonly debugLog: string;
  readonly traceFile: string;
  readonly stateDir: string;
  readonly domainsDir: string;
  readonly xendUnixPath: string;
  readonly relocationSocket: string;
}

/**
 * `path` (absolute, as every default here is) under `root`, as path.join makes it. Joined by
 * hand where that is the same: path.join's normalising costs a short client run ~1 ms on its
 * first calls, and only a root with a `.` or `..` step or a `//` inside needs it. Plain string
 * tests, not patterns: V8 compiles each pattern anew in every run.
 */
export function rooted(root: string, path: string): string {
  if (!root) return path;
  let end = root.length;
  while (end > 0 && root[end - 1] === '/') end--;
  const trimmed = root.slice(0, end);
  const needsNormalising = trimmed.includes('//') || trimmed.split('/').some((step) => step === '.' || step === '..');
  return needsNormalising ? join(root, path) : `${trimmed}${path}`;
}

export function xendPaths(env: NodeJS.ProcessEnv = process.env): XendPaths {
  const root = env.XEND_ROOT ?? '';
  const r = (p: string) => rooted(root, p);
  return {
    root,
    configFile: env.XEND_CONFIG || r('/etc/xen/xend-config.sxp'),
    configDir: r('/etc/xen'),
    xmlrpcSocket: r('/var/run/xend/xmlrpc.sock'),
    pidFile: r('/var/run/xend.pid'),
    statusFile: r('/var/run/xend/status.json'),
    logFile: r('/var/log/xen/xend.log'),
    debugLog: r('/var/log/xen/xend-debug.log'),
    traceFile: r('/var/log/xen/xend.trace'),
    stateDir: r('/var/lib/xend/state'),
    domainsDir: r('/var/lib/xend/domains'),
    xendUnixPath: r('/var/lib/xend/xend-socket'),
    relocationSocket: r('/var/lib/xend/relocation-socket'),
  };
}

/** The URI xm uses when neither XM_SERVER nor xm-config.xml says otherwise. */
export function defaultServerUri(env: NodeJS.ProcessEnv = process.env): string {
  return `httpu://${xendPaths(env).xmlrpcSocket}`;
}
