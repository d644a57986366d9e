/** Where xm finds xend, parsed from --server, XM_SERVER or xm-config.xml. */
export type ServerAddress =
  | { protocol: 'xmlrpc'; socketPath: string }
  | { protocol: 'xmlrpc'; host: string; port: number; tls: boolean }
  | { protocol: 'http'; socketPath: string }
  | { protocol: 'http'; host: string; port: number }
  | SshAddress;

/** `ssh://[user@]host[:port][/path]`: XML-RPC through `ssh host xm serve` (xm's SSHTransport). */
export interface SshAddress {
  protocol: 'ssh';
  host: string;
  user?: string;
  port?: number;
  /** The XML-RPC handler's path (xm's default RPC2). */
  path: string;
}

export class ServerUriError extends Error {}

/**
 * xm's schemes, `httpu:///path/to/sock` (the whole path is the socket) and
 * `http(s)://host:port` for XML-RPC, plus two of ours for xend's legacy HTTP API:
 * `xend-http://host:port` and `xend-httpu:///path/to/xend-socket`; and xm's
 * `ssh://[user@]host[/path]`, here with an optional `:port`.
 */
export function parseServerUri(uri: string): ServerAddress {
  // Both cases spelt out, not /i: V8 compiles a case-insensitive pattern on every run's first use (~0.2 ms).
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/.exec(uri);
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
    case 'ssh':
      return sshAddress(uri, rest);
    default:
      throw new ServerUriError(`unsupported server URI scheme '${scheme}' in ${uri}`);
  }
}

/** Words ssh takes as they are: none can begin with `-` (an option) or hold a space or shell character. */
const SSH_USER = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,31}$/;
const SSH_HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}\])$/;
const HANDLER_PATH = /^[A-Za-z0-9._~/-]{0,200}$/;

/** The parts of an ssh:// URI, each checked before it becomes an argument of ssh or a request line. */
function sshAddress(uri: string, rest: string): SshAddress {
  const m = /^(?:([^@/]*)@)?(\[[^\]/]*\]|[^:/]*)(?::([^/]*))?(?:\/(.*))?$/s.exec(rest);
  if (!m) throw new ServerUriError(`invalid server URI: ${uri}`);
  const [, user, host, port, path] = m;
  if (user !== undefined && !SSH_USER.test(user)) throw new ServerUriError(`invalid server URI: ${uri} (bad user name)`);
  if (!SSH_HOST.test(host!)) throw new ServerUriError(`invalid server URI: ${uri} (bad host name)`);
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) throw new ServerUriError(`invalid server URI: ${uri} (bad port)`);
  if (path !== undefined && !HANDLER_PATH.test(path)) throw new ServerUriError(`invalid server URI: ${uri} (bad path)`);
  return {
    protocol: 'ssh',
    host: host!.replace(/^\[|\]$/g, ''),
    ...(user !== undefined && { user }),
    ...(port !== undefined && { port: Number(port) }),
    path: path || 'RPC2',
  };
}
