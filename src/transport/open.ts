import { join } from 'node:path';
import { defaultServerUri, xendPaths } from '../config/paths.js';
import { parseServerUri } from './uri.js';
import { serverFromXmConfig } from './xm-config.js';
import { XmlRpcTransport } from './xmlrpc.js';
import { HttpTransport } from './http.js';
import type { Transport } from './types.js';

/**
 * The transport to xend, chosen as xm chose it: an explicit --server, then
 * XM_SERVER, then xm-config.xml (XM_CONFIG_FILE), then the local Unix socket.
 */
export function openTransport(serverUri: string | undefined, env: NodeJS.ProcessEnv, warn: (msg: string) => void): Transport {
  const uri =
    serverUri ??
    (env.XM_SERVER || null) ??
    serverFromXmConfig(env.XM_CONFIG_FILE || join(xendPaths(env).configDir, 'xm-config.xml'), warn) ??
    defaultServerUri(env);
  const address = parseServerUri(uri);
  return address.protocol === 'http' ? new HttpTransport(address) : new XmlRpcTransport(address, env.XM_TLS_CA);
}
