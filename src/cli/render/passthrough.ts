import { left } from './format.js';

/** `%-Nd`: left-aligned Python int. */
const leftInt = (v: number, w: number) => left(String(v), w);
/** Python's str() of a value: None for null. */
const str = (v: unknown) => (v === null || v === undefined ? 'None' : String(v));

export interface PciRow {
  device: string;
  /** The guest's slot.function, or null where the device model chose none (a PV guest's). */
  vdev: string | null;
  key: string;
}

/** xm pci-list's table: nothing for none; the Vdev column only when a function has a virtual slot. */
export function pciTable(devices: readonly PciRow[]): string {
  if (!devices.length) return '';
  const vdev = devices.some((d) => d.vdev !== null);
  const row = (d: PciRow) => (vdev ? `${(d.vdev ?? '-').padEnd(4)} ${d.device}\n` : `${d.device}\n`);
  return `${vdev ? 'Vdev Device' : 'Device'}\n${devices.map(row).join('')}`;
}

export interface ScsiHostRow {
  idx: number;
  backendId: number;
  state: number;
  featureHost: number;
  luns: { pdev: unknown; pdevname: unknown; vdev: unknown; frontstate: unknown }[];
}

/** xm scsi-list's table: a row per LUN, its virtual host's columns first (a print with a trailing comma: two blanks between). */
export function scsiTable(hosts: readonly ScsiHostRow[]): string {
  if (!hosts.length) return '';
  const head = `${[left('Idx', 3), left('BE', 3), left('state', 5), left('host', 4)].join(' ')}  ${[left('phy-hctl', 10), left('phy', 5), left('vir-hctl', 10), left('devstate', 4)].join(' ')}\n`;
  const rows = hosts.flatMap((h) =>
    h.luns.map((l) => {
      const host = `${leftInt(h.idx, 3)} ${leftInt(h.backendId, 3)} ${leftInt(h.state, 5)} ${leftInt(h.featureHost, 4)} `;
      return `${host} ${left(str(l.pdev), 10)} ${left(str(l.pdevname), 5)} ${left(str(l.vdev), 10)} ${left(str(l.frontstate), 4)}\n`;
    }),
  );
  return head + rows.join('');
}

export interface UsbControllerRow {
  idx: number;
  backendId: number;
  state: number;
  usbVer: string;
  bePath: string;
  ports: { port: number; bus: string; device: { idVendor: string; idProduct: string; info: string } | null }[];
}

/** A host USB device's `ID vendor:product info`, as xm usb-list and usb-list-assignable-devices printed it. */
export const usbId = (d: { idVendor: string; idProduct: string; info: string }): string => `ID ${left(d.idVendor, 4)}:${left(d.idProduct, 4)} ${d.info}`;

/** xm usb-list: each virtual host controller under its own header, then its root ports. */
export function usbTable(controllers: readonly UsbControllerRow[]): string {
  return controllers
    .map((c) => {
      const head = `${[left('Idx', 3), left('BE', 3), left('state', 5), left('usb-ver', 7)].join(' ')}  ${left('BE-path', 30)}\n`;
      const row = `${[leftInt(c.idx, 3), leftInt(c.backendId, 3), leftInt(c.state, 5), left(c.usbVer, 7)].join(' ')} ${left(c.bePath, 30)}  \n`;
      const ports = c.ports.map((p) => (p.device ? `port ${p.port}: ${p.bus} [${usbId(p.device)}]\n` : `port ${p.port}: ${p.bus}\n`));
      return head + row + ports.join('');
    })
    .join('');
}
