import { childValue } from '../../sxp/index.js';
import { blockDeviceNumber, splitDev } from '../block-number.js';
import type { Sxp } from '../../sxp/types.js';
import type { XenRunner } from './runner.js';
import { DISK_CLASSES } from './devices.js';

/** What xenstore lists under a domain's frontends, what is plugged in now: disks by number, interfaces by MAC. */
export interface Plugged {
  vbd: ReadonlySet<number>;
  /** Lower case. An interface's devid is no help: xl keeps it for the vif's life, while xend's numbering closes gaps. */
  vifMacs: ReadonlySet<string>;
}

/** A domain's frontend directory, listed even when empty: its domain is there to be judged. */
const DEVICE_DIR = /^\/local\/domain\/(\d+)\/device[/ ]/;
const DISK = /^\/local\/domain\/\d+\/device\/vbd\/(\d+)[/ ]/;
const VIF_MAC = /^\/local\/domain\/\d+\/device\/vif\/\d+\/mac = "([0-9A-Fa-f:]{17})"/;

/**
 * What the frontends list of every domain that has them, by domid, from one
 * `xenstore-ls -f /local/domain`: one process a poll however many domains run (per domain,
 * a dom0 of fifty guests spawned fifty). A domain xenstore does not list is not in the map
 * (nothing is known of it); null when xenstore does not answer.
 */
export async function readPlugged(runner: XenRunner): Promise<Map<number, Plugged> | null> {
  let text: string;
  try {
    text = (await runner.run('xenstore-ls', ['-f', '/local/domain'], { timeoutMs: 20_000 })).stdout;
  } catch {
    return null;
  }
  const byDomid = new Map<number, { vbd: Set<number>; vifMacs: Set<string> }>();
  for (const line of text.split('\n')) {
    const dir = DEVICE_DIR.exec(line);
    if (!dir) continue;
    const domid = Number(dir[1]);
    let plugged = byDomid.get(domid);
    if (!plugged) byDomid.set(domid, (plugged = { vbd: new Set(), vifMacs: new Set() }));
    const disk = DISK.exec(line);
    if (disk) plugged.vbd.add(Number(disk[1]));
    const mac = VIF_MAC.exec(line);
    if (mac) plugged.vifMacs.add(mac[1]!.toLowerCase());
  }
  return byDomid;
}

/**
 * The `(device …)` entries of a config that xenstore no longer lists: disks by
 * their device number, interfaces by their MAC (one without a MAC is kept).
 */
export function unplugged(devices: readonly Sxp[], plugged: Plugged): Sxp[] {
  return devices.filter((dev) => {
    const body = Array.isArray(dev) ? dev[1] : undefined;
    if (!Array.isArray(body)) return false;
    const cls = String(body[0]);
    if (cls === 'vif') {
      const mac = String(childValue(body, 'mac', '')).toLowerCase();
      return mac !== '' && !plugged.vifMacs.has(mac);
    }
    if (!DISK_CLASSES.includes(cls)) return false;
    const number = blockDeviceNumber(splitDev(String(childValue(body, 'dev', ''))).name);
    return number !== null && !plugged.vbd.has(number);
  });
}
