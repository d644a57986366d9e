/** Where xm finds xend, parsed from --server, XM_SERVER or xm-config.xml. */
export type ServerAddress =
  | { protocol: 'xmlrpc'; socketPath: string }
  | { protocol: 'xmlrpc'; host: string; port: number; tls: boolean }
  | { protocol: 'http'; socketPath: string }
  | { protocol: 'http'; host: string; port: number };

export class ServerUriError extends Error {}

/**
 * xm's schemes, `httpu:///path/to/sock` (the whole path is the socket) and
 * `http(s)://host:port` for XML-RPC, plus two of ours for xend's legacy HTTP API:
 * `xend-http://host:port` and `xend-httpu:///path/to/xend-socket`.
 */
export function parseServerUri(uri: string): ServerAddress {
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(uri);
  if (!m) throw new ServerUriError(`invalid server URI: ${uri}`);
  const scheme = m[1]!.toLowerCase();
  const rest = m[2]!;
  const socketPath = (): string => {
    if (!rest.startsWith('/')) throw new ServerUriError(`invalid server URI: ${uri} (${scheme} needs an absolute socket path)`);
    return rest;
  };
  const hostPort = (defaultPort: number) => {
    let url: URL;
    try {
      url = new URL(`http://${rest}`);
    } catch {
      throw new ServerUriError(`invalid server URI: ${uri}`);
    }
    return { host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port || defaultPort) };
  };
  switch (scheme) {
    case 'httpu':
      return { protocol: 'xmlrpc', socketPath: socketPath() };
    case 'http':
      return { protocol: 'xmlrpc', ...hostPort(8006), tls: false };
    case 'https':
      return { protocol: 'xmlrpc', ...hostPort(8006), tls: true };
    case 'xend-httpu':
      return { protocol: 'http', socketPath: socketPath() };
    case 'xend-http':
      return { protocol: 'http', ...hostPort(8000) };
    default:
      throw new ServerUriError(`unsupported server URI scheme '${scheme}' in ${uri}`);
  }
}
