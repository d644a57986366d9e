import { loadXendConfig, XendConfigError } from '../config/xend-config.js';
import { OPTION_DEFAULTS } from '../config/xend-options.js';
import { rooted, type XendPaths } from '../config/paths.js';
import type { XendOptions } from '../config/xend-options.js';

/** xend's options with every default path moved under XEND_ROOT. */
export interface XendSettings {
  options: XendOptions;
  warnings: string[];
  logFile: string;
  stateDir: string;
  domainsDir: string;
  httpUnixPath: string;
  /** Where a TCP client may save and restore guests (xend-save-path). */
  savePath: string;
  /** Where a client other than root may take a guest's kernel and disk images from (xend-domain-image-path). */
  imageDirs: string[];
  limits: ServerLimits;
}

/** What each listener allows a peer (safe defaults; every one configurable). */
export interface ServerLimits {
  maxRequestBytes: number;
  idleMs: number;
  maxConnections: number;
  relocationIdleMs: number;
}

/**
 * Reads xend-config.sxp. A path option left at its default lives under the root
 * prefix like every other default; a path the administrator wrote is used as written.
 */
export function loadSettings(paths: XendPaths): XendSettings {
  const warnings: string[] = [];
  const { options } = loadXendConfig(paths.configFile, (w) => warnings.push(w));
  const path = (name: 'logfile' | 'xend-state-path' | 'xend-domains-path' | 'xend-unix-path' | 'xend-save-path' | 'xend-domain-image-path'): string => {
    const value = String(options[name]);
    return value === OPTION_DEFAULTS[name] ? rooted(paths.root, value) : value;
  };
  return {
    options,
    warnings,
    logFile: path('logfile'),
    stateDir: path('xend-state-path'),
    domainsDir: path('xend-domains-path'),
    httpUnixPath: path('xend-unix-path'),
    savePath: path('xend-save-path'),
    imageDirs: path('xend-domain-image-path').split(/\s+/).filter(Boolean),
    limits: {
      maxRequestBytes: positive('xend-max-request-bytes'),
      idleMs: positive('xend-idle-timeout') * 1000,
      maxConnections: positive('xend-max-connections'),
      relocationIdleMs: positive('xend-relocation-idle-timeout') * 1000,
    },
  };

  function positive(name: 'xend-max-request-bytes' | 'xend-idle-timeout' | 'xend-max-connections' | 'xend-relocation-idle-timeout'): number {
    const value = options[name];
    if (!(value > 0)) throw new XendConfigError(`${paths.configFile}: (${name} ${value}): must be at least 1`);
    return value;
  }
}
