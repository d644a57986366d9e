import { left } from '../render/format.js';
import { usbId } from '../render/passthrough.js';
import { hostUsb, type HostUsb } from './usb-devices.js';
import type { CommandContext } from '../context.js';

/** `xm usb-list-assignable-devices`: the host's USB devices no domain holds. */
export async function run(ctx: CommandContext): Promise<{ devices: HostUsb[] }> {
  return { devices: (await hostUsb(ctx.client())).filter((d) => !d.assigned) };
}

export const text = ({ devices }: { devices: HostUsb[] }): string =>
  devices.map((d) => `${left(d.bus, 13)}: ${usbId(d)}\n`).join('');
export const json = ({ devices }: { devices: HostUsb[] }) => ({ devices: devices.map((d) => ({ bus: d.bus, id_vendor: d.idVendor, id_product: d.idProduct, info: d.info })) });
