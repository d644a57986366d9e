import { chooseServer } from './server-choice.js';
import { parseServerUri } from './uri.js';
import { XmlRpcTransport } from './xmlrpc.js';
import { HttpTransport } from './http.js';
import { SshTransport } from './ssh.js';
import type { Transport } from './types.js';

/** The transport to the server chooseServer picks. */
export function openTransport(serverUri: string | undefined, env: NodeJS.ProcessEnv, warn: (msg: string) => void): Transport {
  const address = parseServerUri(chooseServer(serverUri, env, warn).uri);
  if (address.protocol === 'ssh') return new SshTransport(address);
  return address.protocol === 'http' ? new HttpTransport(address) : new XmlRpcTransport(address, env.XM_TLS_CA);
}
