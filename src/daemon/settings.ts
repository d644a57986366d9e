import { loadXendConfig } from '../config/xend-config.js';
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
}

/**
 * Reads xend-config.sxp. A path option left at its default lives under the root
 * prefix like every other default; a path the administrator wrote is used as written.
 */
export function loadSettings(paths: XendPaths): XendSettings {
  const warnings: string[] = [];
  const { options } = loadXendConfig(paths.configFile, (w) => warnings.push(w));
  const path = (name: 'logfile' | 'xend-state-path' | 'xend-domains-path' | 'xend-unix-path'): string => {
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
  };
}
