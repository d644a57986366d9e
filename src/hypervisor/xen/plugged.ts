import { childValue } from '../../sxp/index.js';
import { blockDeviceNumber, splitDev } from '../block-number.js';
import type { Sxp } from '../../sxp/types.js';
import type { XenRunner } from './runner.js';
import { DISK_CLASSES } from './devices.js';

/** The disk and interface numbers xenstore lists under a domain's frontends: what is plugged in now. */
export interface Plugged {
  vbd: ReadonlySet<number>;
  vif: ReadonlySet<number>;
}

const FRONTEND = /^\/local\/domain\/\d+\/device\/(vbd|vif)\/(\d+)[/ ]/;

/** `xenstore-ls -f /local/domain/<id>/device`; null when xenstore does not answer (nothing is then known). */
export async function readPlugged(runner: XenRunner, domid: number): Promise<Plugged | null> {
  let text: string;
  try {
    text = (await runner.run('xenstore-ls', ['-f', `/local/domain/${domid}/device`], { timeoutMs: 20_000 })).stdout;
  } catch {
    return null;
  }
  const plugged = { vbd: new Set<number>(), vif: new Set<number>() };
  for (const line of text.split('\n')) {
    const m = FRONTEND.exec(line);
    if (m) plugged[m[1] as 'vbd' | 'vif'].add(Number(m[2]));
  }
  return plugged;
}

/**
 * The `(device …)` entries of a config that xenstore no longer lists: disks by
 * their device number, interfaces by their place among the vifs (xend's numbering).
 */
export function unplugged(devices: readonly Sxp[], plugged: Plugged): Sxp[] {
  let vifs = 0;
  return devices.filter((dev) => {
    const body = Array.isArray(dev) ? dev[1] : undefined;
    if (!Array.isArray(body)) return false;
    const cls = String(body[0]);
    if (cls === 'vif') return !plugged.vif.has(vifs++);
    if (!DISK_CLASSES.includes(cls)) return false;
    const number = blockDeviceNumber(splitDev(String(childValue(body, 'dev', ''))).name);
    return number !== null && !plugged.vbd.has(number);
  });
}
