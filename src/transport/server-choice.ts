import { join } from 'node:path';
import { defaultServerUri, xendPaths } from '../config/paths.js';
import { serverFromXmConfig } from './xm-config.js';

/** Where xm looks for xend, and what made it look there (for "xend is down" to say). */
export interface ServerChoice {
  uri: string;
  chosenBy: string;
}

/**
 * The server, chosen as xm chose it: an explicit --server, then XM_SERVER, then
 * xm-config.xml (XM_CONFIG_FILE), then the local Unix socket.
 */
export function chooseServer(serverUri: string | undefined, env: NodeJS.ProcessEnv, warn: (msg: string) => void): ServerChoice {
  if (serverUri !== undefined) return { uri: serverUri, chosenBy: '--server' };
  if (env.XM_SERVER) return { uri: env.XM_SERVER, chosenBy: 'XM_SERVER' };
  const xmConfig = env.XM_CONFIG_FILE || join(xendPaths(env).configDir, 'xm-config.xml');
  const configured = serverFromXmConfig(xmConfig, warn);
  if (configured !== null) return { uri: configured, chosenBy: xmConfig };
  return { uri: defaultServerUri(env), chosenBy: 'the default: no --server, XM_SERVER or server in xm-config.xml' };
}
