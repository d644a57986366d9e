import { isIP } from 'node:net';
import { XendError } from '../protocol/faults.js';
import { findBadString, INTERFACE_NAME, MAC_ADDRESS, MAX_CONFIG_STRING, MAX_VIRT_CPUS, notXml, shownKey } from '../config/domain-limits.js';
import type { Sxp } from '../sxp/types.js';

/**
 * What any domain config may hold, whoever sends it: the bounds and value kinds
 * checked where a config enters xend (create over every server, restore,
 * relocation, the managed store), so that nothing stored can later hurt a
 * listing, a script or the worker. Which files a client may name is path-policy's.
 */

/** Every string in a config is XML-safe and at most MAX_CONFIG_STRING long; the message names its key. */
export function checkStrings(config: Sxp): void {
  const bad = findBadString(config, (s) => (s.length > MAX_CONFIG_STRING ? `is longer than ${MAX_CONFIG_STRING} characters` : notXml(s)));
  if (bad) throw new XendError(`Invalid configuration: the value of ${shownKey(bad.key)} ${bad.problem}`);
}

/** vcpus within Xen's maximum: a bigger count is refused before anything is allocated for it. */
export function checkVcpus(n: number): void {
  if (n > MAX_VIRT_CPUS) throw new XendError(`Invalid configuration: ${n} VCPUs is more than Xen's maximum of ${MAX_VIRT_CPUS}`);
}

/** A memory size within the host's: checked before anything is allocated or ballooned for it. */
export function checkHostMemory(what: string, mib: number, hostMiB: number): void {
  if (mib > hostMiB) throw new XendError(`Invalid configuration: ${what} ${mib} MiB is more than the host's ${hostMiB} MiB`);
}

/** What a virtual interface may say: the values its hotplug script is handed, each of its kind. */
export interface VifSettings {
  mac?: string;
  bridge?: string;
  vifname?: string;
  ip?: string;
  script?: string;
}

/**
 * A `(vif …)` device's settings, validated: a MAC is six hex pairs, a bridge and
 * a vifname are interface names, ip is blank-separated IP addresses (a prefix
 * allowed). Other keys stay in the config (xend kept them) but reach no script.
 */
export function vifSettings(vif: Sxp[]): VifSettings {
  const get = (key: string): string | undefined => {
    const e = vif.find((kv): kv is Sxp[] => Array.isArray(kv) && kv[0] === key && kv.length > 1);
    return e ? String(e[1]) : undefined;
  };
  const s: VifSettings = { mac: get('mac'), bridge: get('bridge'), vifname: get('vifname'), ip: get('ip'), script: get('script') };
  if (s.mac !== undefined && !MAC_ADDRESS.test(s.mac)) throw new XendError(`Invalid MAC address: ${JSON.stringify(s.mac)}: six hex pairs, as 00:16:3e:01:02:03`);
  for (const key of ['bridge', 'vifname'] as const) {
    const v = s[key];
    if (v !== undefined && !INTERFACE_NAME.test(v)) throw new XendError(`Invalid ${key}: ${JSON.stringify(v)} is not an interface name (at most 15 of A-Z a-z 0-9 _ . @ -)`);
  }
  if (s.ip !== undefined && !s.ip.trim().split(/\s+/).every(ipAddress)) {
    throw new XendError(`Invalid ip: ${JSON.stringify(s.ip)} is not a list of IP addresses`);
  }
  if (s.script !== undefined && (s.script === '' || s.script.includes('\0'))) throw new XendError(`Invalid script: ${JSON.stringify(s.script)}`);
  return s;
}

/** An IP address, with a prefix length or not (`10.0.0.1`, `10.0.0.0/24`, `fd00::1/64`). */
function ipAddress(text: string): boolean {
  const [addr = '', prefix, ...rest] = text.split('/');
  const version = isIP(addr);
  return version !== 0 && rest.length === 0 && (prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128)));
}

/** The `(class …)` entries of a config's `(device …)` children whose class is one of `classes`, in order. */
export function devicesOf(devices: Sxp[], classes: readonly string[]): Sxp[][] {
  return devices.map((dev) => (Array.isArray(dev) ? dev[1] : undefined)).filter((v): v is Sxp[] => Array.isArray(v) && classes.includes(String(v[0])));
}
