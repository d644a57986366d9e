import type { XendClient } from '../../client/xend-client.js';
import type { Sxp } from '../../sxp/types.js';
import { pairValue } from '../../sxp/access.js';

/** One of the host's USB devices, as xend.node.usbinfo lists them. */
export interface HostUsb {
  bus: string;
  idVendor: string;
  idProduct: string;
  info: string;
  assigned: boolean;
}

/** The host's USB devices (xm read sysfs and usbback's port_ids; here xend says what its host has and which are held). */
export async function hostUsb(client: XendClient): Promise<HostUsb[]> {
  const devs = (await client.api.usbinfo()) as Sxp[][];
  return devs.map((d) => ({
    bus: String(pairValue(d, 'bus') ?? ''),
    idVendor: String(pairValue(d, 'idvendor') ?? ''),
    idProduct: String(pairValue(d, 'idproduct') ?? ''),
    info: String(pairValue(d, 'info') ?? ''),
    assigned: Number(pairValue(d, 'assigned') ?? 0) === 1,
  }));
}

/** A virtual host controller as getDeviceSxprs(dom, 'vusb') lists it: `[devid, ((key value) … (port (1 BUS) …))]`. */
export type VusbSxpr = [number | string, Sxp[]];

/** Its root ports and the host bus each holds ('' = none). */
export function portsOf(info: Sxp[]): [number, string][] {
  const port = info.find((x) => Array.isArray(x) && x[0] === 'port') as Sxp[] | undefined;
  return (port ?? []).slice(1).flatMap((p) => (Array.isArray(p) && p.length === 2 ? [[Number(p[0]), String(p[1] ?? '')] as [number, string]] : []));
}

export async function controllers(client: XendClient, dom: string): Promise<VusbSxpr[]> {
  return (await client.api.getDeviceSxprs({ dom, type: 'vusb' })) as VusbSxpr[];
}
