/** Where xm finds xend, parsed from XM_SERVER, xm-config.xml or --server. */
export type ServerAddress =
  | { protocol: 'xmlrpc'; socketPath: string }
  | { protocol: 'xmlrpc'; host: string; port: number; tls: boolean };

export class ServerUriError extends Error {}

/**
 * `httpu:///path/to/sock` (the whole path is the socket, as xmlrpcclient.py had it)
 * or `http(s)://host:port` for XML-RPC over TCP.
 */
export function parseServerUri(uri: string): ServerAddress {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  if (!m) throw new ServerUriError(`invalid server URI: ${uri}`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  if (scheme === 'httpu') {
    if (!rest.startsWith('/')) throw new ServerUriError(`invalid server URI: ${uri} (httpu needs an absolute socket path)`);
    return { protocol: 'xmlrpc', socketPath: rest };
  }
  if (scheme === 'http' || scheme === 'https') {
    const url = new URL(uri);
    const tls = scheme === 'https';
    return { protocol: 'xmlrpc', host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || (tls ? 443 : 80)), tls };
  }
  throw new ServerUriError(`unsupported server URI scheme '${scheme}' in ${uri}`);
}
