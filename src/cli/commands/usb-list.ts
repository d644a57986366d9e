import { intOr, usbTable, type UsbControllerRow } from '../render/passthrough.js';
import { controllers, hostUsb, portsOf, setting } from './usb-devices.js';
import type { CommandContext } from '../context.js';

/** `xm usb-list DOM`: each virtual USB host controller, and what its root ports hold. */
export async function run(ctx: CommandContext): Promise<{ controllers: UsbControllerRow[] }> {
  const client = ctx.client();
  const hcs = await controllers(client, ctx.args[0]!);
  const busy = hcs.some(([, info]) => portsOf(info).some(([, bus]) => bus !== ''));
  const host = busy ? await hostUsb(client) : [];
  return {
    controllers: hcs.map(([idx, info]) => ({
      idx: Number(idx),
      backendId: intOr(setting(info, 'backend-id'), -1),
      state: intOr(setting(info, 'state'), -1),
      usbVer: intOr(setting(info, 'usb-ver'), 0) === 1 ? 'USB1.1' : 'USB2.0',
      bePath: String(setting(info, 'backend') ?? '??'),
      ports: portsOf(info).map(([port, bus]) => {
        const d = bus ? host.find((h) => h.bus === bus) : undefined;
        return { port, bus, device: d ? { idVendor: d.idVendor, idProduct: d.idProduct, info: d.info } : null };
      }),
    })),
  };
}

export const text = (d: { controllers: UsbControllerRow[] }): string => usbTable(d.controllers);
