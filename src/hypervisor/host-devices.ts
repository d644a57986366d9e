import type { Sxp } from '../sxp/types.js';
import { pciName, type PciAddress } from '../protocol/pci.js';

/**
 * The host's devices a guest may be given (pass-through): PCI functions, SCSI
 * LUNs and USB devices, as xend found them in sysfs (PciUtil, vscsi_util,
 * vusb_util). The simulated host takes its inventory from xend-config.sxp's
 * `sim-host-devices`; which guest holds which device is xend's business.
 */
export interface PciFunction extends PciAddress {
  vendorId: number;
  deviceId: number;
  vendorName: string;
  deviceName: string;
  /** The kernel driver bound to it: pciback or pci-stub make it assignable, as for xend. */
  driver: string;
}

export interface ScsiLun {
  /** host:channel:target:lun */
  hctl: string;
  /** The /dev node's name (sdb, sr0). */
  devname: string;
  vendor: string;
  model: string;
}

export interface UsbDevice {
  /** The sysfs bus id xm usb-attach takes (1-2, 2-1.4). */
  busid: string;
  /** Bus number and device address: qemu's host:BUS.ADDR. */
  bus: number;
  addr: number;
  /** Four hex digits each. */
  idVendor: string;
  idProduct: string;
  /** Manufacturer and product, as vusb_util.get_usbdevice_info read them. */
  info: string;
}

export interface HostDevices {
  pci: PciFunction[];
  scsi: ScsiLun[];
  usb: UsbDevice[];
}

/** xend's pciback "assignable" notion: a function the PCI backend or pci-stub owns. */
export const isAssignable = (f: PciFunction): boolean => f.driver === 'pciback' || f.driver === 'pci-stub';

export { pciName } from '../protocol/pci.js';

/** A bad sim-host-devices entry, said with the entry. */
export class HostDevicesError extends Error {}

const FIELDS = {
  pci: '(pci DOMAIN:BUS:SLOT.FUNC VENDOR:DEVICE VENDOR-NAME DEVICE-NAME DRIVER)',
  scsi: '(scsi HOST:CHANNEL:TARGET:LUN DEVNAME VENDOR MODEL)',
  usb: '(usb BUSID BUS.ADDR VENDOR:PRODUCT NAME)',
} as const;
const PCI_BDF = /^([0-9a-f]{4}):([0-9a-f]{2}):([0-9a-f]{2})\.([0-7])$/i;
/** A SCSI LUN's host:channel:target:lun, the host's or a guest's. */
export const HCTL = /^\d{1,5}:\d{1,5}:\d{1,5}:\d{1,5}$/;
const DEVNAME = /^[a-z][a-z0-9]{0,15}$/;
const DRIVER = /^[a-z][a-z0-9_-]{0,31}$/;
/** A USB device's sysfs bus id (1-2, 2-1.4), which xm usb-attach takes. */
export const USB_BUSID = /^\d{1,2}-\d{1,2}(\.\d{1,2}){0,5}$/;
const USB_ADDR = /^(\d{1,3})\.(\d{1,3})$/;
const ID_PAIR = /^([0-9a-f]{4}):([0-9a-f]{4})$/i;
/** Names are shown in tables: printable, one line, bounded. */
const NAME = /^[\x20-\x7e]{1,120}$/;

/** sim-host-devices' entries as an inventory; throws on the first entry that is not one. */
export function parseHostDevices(entries: Sxp): HostDevices {
  const inv: HostDevices = { pci: [], scsi: [], usb: [] };
  if (!Array.isArray(entries)) throw new HostDevicesError('sim-host-devices: expected a list of (pci …), (scsi …) and (usb …) entries');
  const seen = new Set<string>();
  for (const entry of entries) {
    const [kind, ...f] = Array.isArray(entry) ? entry.map(String) : [];
    const bad = (): never => {
      const shape = kind && kind in FIELDS ? FIELDS[kind as keyof typeof FIELDS] : Object.values(FIELDS).join(', ');
      throw new HostDevicesError(`sim-host-devices: invalid entry ${JSON.stringify(entry)}: expected ${shape}`);
    };
    const unique = (key: string) => {
      if (seen.has(key)) throw new HostDevicesError(`sim-host-devices: ${key} is listed twice`);
      seen.add(key);
    };
    if (kind === 'pci') {
      const [bdf, ids, vendorName, deviceName, driver] = f;
      const b = PCI_BDF.exec(bdf ?? '');
      const i = ID_PAIR.exec(ids ?? '');
      if (f.length !== 5 || !b || !i || !NAME.test(vendorName!) || !NAME.test(deviceName!) || !DRIVER.test(driver!)) bad();
      const [domain, bus, slot, func] = b!.slice(1).map((x) => Number.parseInt(x, 16)) as [number, number, number, number];
      const fn = { domain, bus, slot, func, vendorId: Number.parseInt(i![1]!, 16), deviceId: Number.parseInt(i![2]!, 16), vendorName: vendorName!, deviceName: deviceName!, driver: driver! };
      unique(`pci ${pciName(fn)}`);
      inv.pci.push(fn);
    } else if (kind === 'scsi') {
      const [hctl, devname, vendor, model] = f;
      if (f.length !== 4 || !HCTL.test(hctl!) || !DEVNAME.test(devname!) || !NAME.test(vendor!) || !NAME.test(model!)) bad();
      unique(`scsi ${hctl}`);
      unique(`scsi ${devname}`);
      inv.scsi.push({ hctl: hctl!, devname: devname!, vendor: vendor!, model: model! });
    } else if (kind === 'usb') {
      const [busid, busAddr, ids, info] = f;
      const a = USB_ADDR.exec(busAddr ?? '');
      const i = ID_PAIR.exec(ids ?? '');
      if (f.length !== 4 || !USB_BUSID.test(busid!) || !a || !i || !NAME.test(info!)) bad();
      unique(`usb ${busid}`);
      unique(`usb ${busAddr}`);
      inv.usb.push({ busid: busid!, bus: Number(a![1]), addr: Number(a![2]), idVendor: i![1]!.toLowerCase(), idProduct: i![2]!.toLowerCase(), info: info! });
    } else {
      bad();
    }
  }
  return inv;
}
