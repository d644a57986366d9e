import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { devicesOf, vifSettings } from '../vm/config-limits.js';
import type { HvDevice, HvDomain, Hypervisor } from '../hypervisor/types.js';
import type { Sxp } from '../sxp/types.js';
import type { Logger } from './log.js';
import { observed } from './observed.js';

/** How long a script may run before it is killed (a hung script must not hang xend). */
const SCRIPT_TIMEOUT_MS = 10_000;

export interface ScriptSettings {
  /** The scripts directory: /etc/xen/scripts under the root. */
  dir: string;
  /** network-script, with its arguments (`network-nat dhcp=yes`); null when unset. */
  networkScript: string | null;
  /** vif-script: the default hotplug script of a virtual interface. */
  vifScript: string;
  /** xend-allow-foreign-scripts: a config (root's alone) may name a script outside `dir`. */
  allowForeign: boolean;
}

/**
 * Where a script name leads: joined onto the scripts directory unless absolute,
 * and only there unless foreign scripts are allowed (`..` cannot climb out);
 * null for a name that leads elsewhere.
 */
export function resolveScript(dir: string, name: string, allowForeign: boolean): string | null {
  if (!name || name.includes('\0')) return null;
  const path = isAbsolute(name) ? normalize(name) : join(dir, name);
  return allowForeign || path.startsWith(join(dir, sep)) ? path : null;
}

/**
 * What every script runs with: a fixed PATH, and XEND_ROOT (the operator's root
 * prefix, where the scripts find the rest of the installation); never xend's
 * own environment, and never a variable a client named.
 */
function baseEnv(): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...(process.env.XEND_ROOT && { XEND_ROOT: process.env.XEND_ROOT }),
  };
}

/**
 * The scripts xend ran: network-script when it starts and stops, the vif hotplug
 * script for each virtual interface going online and offline. Always with
 * execFile, never a shell; a script that is missing, fails or hangs is a warning
 * in the log and nothing more.
 */
export class Scripts {
  /** Per-domain chains, so that a vif's offline never overtakes its online. */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly settings: ScriptSettings,
    private readonly log: Logger,
  ) {}

  /** `<script> start|stop <args…>`, awaited: xend ran it before it went on. */
  async network(action: 'start' | 'stop'): Promise<void> {
    const words = (this.settings.networkScript ?? '').split(' ').filter(Boolean);
    if (!words.length) return;
    const [name, ...args] = words as [string, ...string[]];
    // Root's own xend-config.sxp names it: anywhere it likes, as in xend.
    const path = resolveScript(this.settings.dir, name, true);
    if (path) await this.run(path, [action, ...args], {}, 'network-script');
  }

  /** A new domain's virtual interfaces come up. */
  online(d: HvDomain): void {
    this.vifs(d, 'online');
  }

  /** A destroyed domain's virtual interfaces go. */
  offline(d: HvDomain): void {
    this.vifs(d, 'offline');
  }

  /** Waits for every hotplug script started so far (xend stop). */
  async drain(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  /** A vif plugged into a running domain comes up, or one unplugged goes (network-attach, network-detach). */
  plugged(d: HvDomain, device: HvDevice, online: boolean): void {
    if (device.deviceClass !== 'vif') return;
    this.vifs(d, online ? 'online' : 'offline', [[device.devid, ['vif', ...Object.entries(device.settings)]]]);
  }

  private vifs(d: HvDomain, action: 'online' | 'offline', only?: [number, Sxp[]][]): void {
    if (d.domid === 0 || !d.config) return;
    const vifs = only ?? devicesOf(d.config.devices, ['vif']).map((vif, devid): [number, Sxp[]] => [devid, vif]);
    if (!vifs.length) return;
    const key = `${d.uuid}/${d.domid}`;
    let chain = this.chains.get(key) ?? Promise.resolve();
    vifs.forEach(([devid, vif]) => {
      let settings;
      try {
        settings = vifSettings(vif);
      } catch (err) {
        // Refused at create; a record from before that rule runs nothing.
        this.log.warning(`vif ${devid} of domain ${d.domid}: ${(err as Error).message}: not running its script`);
        return;
      }
      const name = settings.script ?? this.settings.vifScript;
      const script = resolveScript(this.settings.dir, name, this.settings.allowForeign);
      if (script === null) {
        this.log.warning(`vif-script ${JSON.stringify(name)} is outside ${this.settings.dir} (xend-allow-foreign-scripts): not running it (${action})`);
        return;
      }
      const vifname = settings.vifname ?? `vif${d.domid}.${devid}`;
      // What the hotplug scripts read from xenstore: these variables, and only these.
      const env: Record<string, string> = {
        mac: settings.mac ?? defaultMac(d.uuid, devid),
        ...(settings.bridge !== undefined && { bridge: settings.bridge }),
        ...(settings.ip !== undefined && { ip: settings.ip }),
        script,
        vif: vifname,
        vifname,
        domid: String(d.domid),
        devid: String(devid),
        frontend_id: String(d.domid),
        XENBUS_TYPE: 'vif',
        XENBUS_BASE_PATH: 'backend',
        XENBUS_PATH: `backend/vif/${d.domid}/${devid}`,
      };
      chain = chain.then(() => this.run(script, [action], env, 'vif-script'));
    });
    const tail = chain.finally(() => {
      if (this.chains.get(key) === tail) this.chains.delete(key);
    });
    this.chains.set(key, tail);
  }

  private run(path: string, args: string[], extraEnv: Record<string, string>, what: string): Promise<void> {
    try {
      accessSync(path, constants.X_OK);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.log.warning(`${what} ${path} ${missing ? 'not found' : 'is not executable'}: not running it (${args.join(' ')})`);
      return Promise.resolve();
    }
    this.log.info(`Running ${what}: ${[path, ...args].join(' ')}`);
    return new Promise((resolve) => {
      execFile(path, args, { env: { ...baseEnv(), ...extraEnv }, timeout: SCRIPT_TIMEOUT_MS, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
        if (err) {
          const how = err.killed ? `was killed after ${SCRIPT_TIMEOUT_MS / 1000} s` : typeof err.code === 'number' ? `exited with status ${err.code}` : err.message;
          const said = `${stderr}`.trim() || `${stdout}`.trim();
          this.log.warning(`${what} ${[path, ...args].join(' ')} ${how}${said ? `: ${said}` : ''}`);
        } else {
          this.log.debug(`${what} ${[path, ...args].join(' ')} done`);
        }
        resolve();
      });
    });
  }
}

/** The MAC xend would have made up (00:16:3e, Xensource's prefix), stable for a domain's interface. */
function defaultMac(uuid: string, devid: number): string {
  const h = createHash('sha256').update(`${uuid}/${devid}`).digest();
  return ['00', '16', '3e', (h[0]! & 0x7f).toString(16), h[1]!.toString(16), h[2]!.toString(16)].map((b) => b.padStart(2, '0')).join(':');
}

/**
 * The hypervisor as the daemon sees it, with the hotplug scripts run where a
 * domain's devices come and go: after it is built and after it is destroyed,
 * whichever part of xend did it (create, restart, restore, migration).
 */
export function withHotplug(hv: Hypervisor, scripts: Scripts): Hypervisor {
  return observed(hv, { created: (d) => scripts.online(d), destroyed: (d) => scripts.offline(d), plugged: (d, device, online) => scripts.plugged(d, device, online) });
}
