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

const DISK = /^\/local\/domain\/\d+\/device\/vbd\/(\d+)[/ ]/;
const VIF_MAC = /^\/local\/domain\/\d+\/device\/vif\/\d+\/mac = "([0-9A-Fa-f:]{17})"/;

/** `xenstore-ls -f /local/domain/<id>/device`; null when xenstore does not answer (nothing is then known). */
export async function readPlugged(runner: XenRunner, domid: number): Promise<Plugged | null> {
  let text: string;
  try {
    text = (await runner.run('xenstore-ls', ['-f', `/local/domain/${domid}/device`], { timeoutMs: 20_000 })).stdout;
  } catch {
    return null;
  }
  const plugged = { vbd: new Set<number>(), vifMacs: new Set<string>() };
  for (const line of text.split('\n')) {
    const disk = DISK.exec(line);
    if (disk) plugged.vbd.add(Number(disk[1]));
    const mac = VIF_MAC.exec(line);
    if (mac) plugged.vifMacs.add(mac[1]!.toLowerCase());
  }
  return plugged;
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
