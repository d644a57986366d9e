import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { TestXend } from './xend.js';

export type TransportName = 'xmlrpc-unix' | 'xmlrpc-tcp' | 'xmlrpc-tls' | 'http-tcp' | 'http-unix';
export const TRANSPORTS: readonly TransportName[] = ['xmlrpc-unix', 'xmlrpc-tcp', 'xmlrpc-tls', 'http-tcp', 'http-unix'];

/** A TCP port nobody listens on right now (bound then released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A self-signed certificate for localhost and 127.0.0.1, made with openssl. */
export function makeCertificate(dir: string): { key: string; cert: string } {
  const key = join(dir, 'xend-key.pem');
  const cert = join(dir, 'xend-cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
  return { key, cert };
}

/**
 * A private xend serving one transport, with XM_SERVER pointing xm at it: the
 * same scenarios then run over every way xm can reach xend.
 */
export async function startXendOver(transport: TransportName, extraConfig = ''): Promise<TestXend & { uri: string }> {
  const x = new TestXend();
  const port = await freePort();
  let config = '';
  let uri: string;
  const env: NodeJS.ProcessEnv = {};
  switch (transport) {
    case 'xmlrpc-unix':
      uri = `httpu://${x.path('var/run/xend/xmlrpc.sock')}`;
      break;
    case 'xmlrpc-tcp':
      config = `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-address 127.0.0.1)\n(xend-tcp-xmlrpc-server-port ${port})\n`;
      uri = `http://127.0.0.1:${port}`;
      break;
    case 'xmlrpc-tls': {
      const { key, cert } = makeCertificate(x.root);
      config = `(xend-tcp-xmlrpc-server yes)\n(xend-tcp-xmlrpc-server-port ${port})\n(xend-tcp-xmlrpc-server-ssl-key-file ${key})\n(xend-tcp-xmlrpc-server-ssl-cert-file ${cert})\n`;
      uri = `https://localhost:${port}`;
      env.XM_TLS_CA = cert;
      break;
    }
    case 'http-tcp':
      config = `(xend-http-server yes)\n(xend-address 127.0.0.1)\n(xend-port ${port})\n`;
      uri = `xend-http://127.0.0.1:${port}`;
      break;
    case 'http-unix':
      config = '(xend-unix-server yes)\n';
      uri = `xend-httpu://${x.path('var/lib/xend/xend-socket')}`;
      break;
  }
  x.writeFile('etc/xen/xend-config.sxp', config + extraConfig);
  Object.assign(x.env, env, { XM_SERVER: uri });
  const r = await x.xend('start');
  if (r.code !== 0) throw new Error(`xend start over ${transport} failed: ${r.stderr}`);
  return Object.assign(x, { uri });
}

/** Two xends on one machine, the destination's relocation server on 127.0.0.1:`port`. */
export async function startRelocationPair(): Promise<{ src: TestXend; dst: TestXend; port: number }> {
  const port = await freePort();
  const src = await TestXend.start(`(xend-relocation-server yes)\n(xend-relocation-port ${await freePort()})\n`);
  const dst = await TestXend.start(`(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n`);
  return { src, dst, port };
}
