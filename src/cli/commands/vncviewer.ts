import { childValue, children } from '../../sxp/index.js';
import type { Sxp } from '../../sxp/types.js';
import { CliError, SilentError } from '../errors.js';
import type { CommandContext } from '../context.js';
import type { XendClient } from '../../client/xend-client.js';

const VNC_BASE_PORT = 5900;

export interface VncTarget {
  domain: string;
  host: string;
  port: number;
  /** The argument vncviewer gets: `host:display`, or `host::port` below display 0. */
  display: string;
}

/**
 * `xm vncviewer [--autopass] DOM`: runs vncviewer on the domain's VNC server, as
 * xm 4.4's runVncViewer did (`invoking  vncviewer host:display` first). The address
 * is the location xend keeps in the domain's vfb device (xm read xenstore's
 * console/vnc-port, which only works on Dom0 itself). --autopass hands the vfb's
 * vncpasswd to the viewer's standard input. With --json the address is the result
 * and no viewer runs.
 */
export async function run(ctx: CommandContext): Promise<VncTarget> {
  const { target, password } = await locate(ctx.client(), ctx.args[0]!, ctx.opts.has('autopass') || ctx.opts.has('vncviewer-autopass'));
  if (ctx.json) return target;
  const argv = viewerArgs(target, password);
  ctx.event(`invoking  vncviewer ${argv.join(' ')}`, { invoking: ['vncviewer', ...argv] });
  const status = await runViewer(argv, password, ctx.env);
  if (status !== 0) throw new SilentError(status);
  return target;
}

/** How long xm start --vncviewer waits for the VNC server's address (xm 4.4's alarm). */
const LAUNCH_WAIT_MS = 10_000;
const LAUNCH_POLL_MS = 200;

/**
 * `xm start --vncviewer[-autopass]`: a viewer of its own, detached, once xend knows
 * the VNC server's address, as runVncViewer(…, do_daemonize) did; nothing is printed.
 */
export async function launchViewer(client: XendClient, dom: string, autopass: boolean, env: NodeJS.ProcessEnv): Promise<void> {
  const deadline = Date.now() + LAUNCH_WAIT_MS;
  for (;;) {
    try {
      const { target, password } = await locate(client, dom, autopass);
      const { spawn } = await import('node:child_process');
      const child = spawn('vncviewer', viewerArgs(target, password), { env, detached: true, stdio: [password ? 'pipe' : 'ignore', 'ignore', 'ignore'] });
      // Like xm's daemonized viewer: one that cannot start is not xm's failure.
      child.once('error', () => {});
      child.stdin?.on('error', () => {});
      child.stdin?.end(`${password}\n`);
      child.unref();
      return;
    } catch (err) {
      if (!(err instanceof NoVncServer) || Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, LAUNCH_POLL_MS));
    }
  }
}

class NoVncServer extends CliError {}

/** The domain's VNC address from its vfb's location (full record), and with autopass its vncpasswd. */
async function locate(client: XendClient, dom: string, autopass: boolean): Promise<{ target: VncTarget; password: string }> {
  const record = await client.domainSxp(dom, true);
  const name = String(childValue(record, 'name', dom));
  const vfb = children(record, 'device')
    .map((d) => d[1])
    .find((d): d is Sxp[] => Array.isArray(d) && d[0] === 'vfb' && childValue(d, 'location', '') !== '');
  if (childValue(record, 'domid', null) === null) throw new CliError(`Domain '${name}' is not started`);
  if (!vfb) throw new NoVncServer(`Domain '${name}' has no VNC server (no vfb device with vnc=1, or its backend gives none)`);
  return { target: vncTarget(name, String(childValue(vfb, 'location'))), password: autopass ? String(childValue(vfb, 'vncpasswd', '')) : '' };
}

const viewerArgs = (target: VncTarget, password: string): string[] => [...(password ? ['-autopass'] : []), target.display];

/** `host:port` as xend wrote it (the host may be an IPv6 address: the port follows the last colon). */
export function vncTarget(domain: string, location: string): VncTarget {
  const colon = location.lastIndexOf(':');
  const port = Number(location.slice(colon + 1));
  const host = location.slice(0, colon).replace(/^\[|\]$/g, '') || 'localhost';
  // The host becomes vncviewer's argument: an address or a name, never an option.
  if (colon < 0 || !/^[A-Za-z0-9_.:]+$/.test(host) || !Number.isInteger(port) || port < 1 || port > 65535) throw new CliError(`Domain '${domain}' has a VNC location xm cannot read: ${location}`);
  const shown = host.includes(':') ? `[${host}]` : host;
  const display = port >= VNC_BASE_PORT ? `${shown}:${port - VNC_BASE_PORT}` : `${shown}::${port}`;
  return { domain, host, port, display };
}

/** vncviewer with the user's terminal; the password, if any, on its standard input. */
async function runViewer(argv: string[], password: string, env: NodeJS.ProcessEnv): Promise<number> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('vncviewer', argv, { env, stdio: [password ? 'pipe' : 'inherit', 'inherit', 'inherit'] });
    child.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'ENOENT' ? new CliError('external vncviewer missing or not in the path\nExiting', 255) : err),
    );
    if (password) {
      child.stdin!.on('error', () => {});
      child.stdin!.end(`${password}\n`);
    }
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

export const text = (): string => '';
