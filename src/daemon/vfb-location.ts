import type { Sxp } from '../sxp/types.js';

/**
 * A `(device (vfb …))` with the `(location host:port)` xend added once the VNC
 * server was up (XendDomainInfo._update_consoles), which xm vncviewer reads.
 */
export function withVncLocation(device: Sxp, location: string | undefined): Sxp {
  if (location === undefined || !Array.isArray(device) || !Array.isArray(device[1]) || device[1][0] !== 'vfb') return device;
  const vfb = device[1].filter((kv) => !(Array.isArray(kv) && kv[0] === 'location'));
  return ['device', [...vfb, ['location', location]]];
}
