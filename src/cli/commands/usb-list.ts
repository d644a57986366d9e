import { usbTable, type UsbControllerRow } from '../render/passthrough.js';
import { parseDevInfo, pyInt } from '../render/devices.js';
import { controllers, hostUsb, portsOf } from './usb-devices.js';
import { pairValue } from '../../sxp/access.js';
import type { CommandContext } from '../context.js';

/** `xm usb-list DOM`: each virtual USB host controller, and what its root ports hold. */
export async function run(ctx: CommandContext): Promise<{ controllers: UsbControllerRow[] }> {
  const client = ctx.client();
  const hcs = await controllers(client, ctx.args[0]!);
  const busy = hcs.some(([, info]) => portsOf(info).some(([, bus]) => bus !== ''));
  const host = busy ? await hostUsb(client) : [];
  return {
    controllers: hcs.map(([idx, info]) => {
      const { devid, backendId, state, bePath } = parseDevInfo(pyInt(idx), info);
      return {
        idx: devid,
        backendId,
        state,
        usbVer: pyInt(pairValue(info, 'usb-ver') ?? 0) === 1 ? 'USB1.1' : 'USB2.0',
        bePath,
        ports: portsOf(info).map(([port, bus]) => {
          const d = bus ? host.find((h) => h.bus === bus) : undefined;
          return { port, bus, device: d ? { idVendor: d.idVendor, idProduct: d.idProduct, info: d.info } : null };
        }),
      };
    }),
  };
}

export const text = (d: { controllers: UsbControllerRow[] }): string => usbTable(d.controllers);
export const json = (d: { controllers: UsbControllerRow[] }) => ({
  controllers: d.controllers.map((c) => ({
    devid: c.idx,
    backend_id: c.backendId,
    state: c.state,
    usb_ver: c.usbVer,
    backend: c.bePath,
    ports: c.ports.map((p) => ({ port: p.port, bus: p.bus, id_vendor: p.device?.idVendor ?? null, id_product: p.device?.idProduct ?? null, info: p.device?.info ?? null })),
  })),
});
