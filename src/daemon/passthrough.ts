import { children, childValue } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import { isAssignable, pciName, type HostDevices, type UsbDevice } from '../hypervisor/host-devices.js';
import type { Hypervisor } from '../hypervisor/types.js';
import type { VmConfig } from '../vm/config.js';
import type { DomainService } from './domains.js';
import type { Logger } from './log.js';
import type { DeviceContext } from './devices/controller.js';
import type { Sxp } from '../sxp/types.js';
import { hex0x } from '../protocol/pci.js';

/** The host devices one domain holds, by their host names (0000:03:00.0, 2:0:0:0, 1-2). */
export interface Held {
  pci: string[];
  scsi: string[];
  usb: string[];
}

const hexOf = (v: Sxp | undefined): number => Number.parseInt(String(v ?? ''), 16);

/** The host devices a domain's `(device …)` entries hold: pciback's, vscsiback's and usbback's view of it. */
export function heldBy(devices: readonly Sxp[]): Held {
  const held: Held = { pci: [], scsi: [], usb: [] };
  for (const d of devices) {
    const body = Array.isArray(d) && d[0] === 'device' ? d[1] : d;
    if (!Array.isArray(body)) continue;
    if (body[0] === 'pci') {
      for (const dev of children(body, 'dev')) {
        const [domain, bus, slot, func] = ['domain', 'bus', 'slot', 'func'].map((k) => hexOf(childValue(dev, k)));
        held.pci.push(pciName({ domain: domain!, bus: bus!, slot: slot!, func: func! }));
      }
    } else if (body[0] === 'vscsi') {
      for (const dev of children(body, 'dev')) held.scsi.push(String(childValue(dev, 'p-dev', '')));
    } else if (body[0] === 'vusb') {
      for (const port of children(body, 'port').flatMap((p) => p.slice(1))) {
        if (Array.isArray(port) && port[1]) held.usb.push(String(port[1]));
      }
    }
  }
  return held;
}

/** What a device change must not take: the host devices every other domain holds, and those `mine` (the domain's entries of the class, as changed so far) already hold. */
export function heldAround(mine: readonly Sxp[], ctx: DeviceContext): Held {
  return heldBy([...[...ctx.others()].flatMap((d) => d.devices), ...mine]);
}

/**
 * pci_dev_check_attachability's refusals, in xend's words: a function another
 * domain holds, one the host lacks, one neither pciback nor pci-stub owns.
 */
export function checkPciFunction(name: string, held: readonly string[], host: HostDevices): void {
  if (held.includes(name)) throw new XendError(`failed to assign device ${name} that has already been assigned to other domain.`);
  const found = host.pci.find((p) => pciName(p) === name);
  if (!found) throw new XendError(`pci: failed to locate device and parse its resources - [Errno 2] No such file or directory: '/sys/bus/pci/devices/${name}/config'`);
  if (!isAssignable(found)) throw new XendError(`pci: PCI Backend and pci-stub don't own device ${name}`);
}

export const scsiTaken = (hctl: string): XendError => new XendError(`The physical device "${hctl}" is already defined`);
export const usbTaken = (bus: string): XendError => new XendError(`Cannot assign already attached bus '${bus}', detach first.`);

/** The backend's devices; a backend without an inventory refuses, naming itself. */
export function hostDevicesOf(hv: Hypervisor): HostDevices {
  if (!hv.hostDevices) throw new XendError(`Device pass-through is not supported by the ${hv.name} backend`);
  return hv.hostDevices();
}

/** qemu-dm's names for a host USB device: host:BUS.ADDR or host:VENDOR:PRODUCT. */
const USB_BY_ADDR = /^host:(\d{1,3})\.(\d{1,3})$/;
const USB_BY_ID = /^host:([0-9a-f]{4}):([0-9a-f]{4})$/i;

/**
 * The host's side of pass-through: what the host has (the backend's inventory),
 * which domain holds what (their device entries, and what HVM device models took
 * with usb-add), xend.node.pciinfo, and XendDomain's usb_add and usb_del.
 */
export class PassthroughService {
  constructor(
    private readonly hv: Hypervisor,
    private readonly domains: DomainService,
    private readonly log: Logger,
  ) {}

  inventory(): HostDevices {
    return hostDevicesOf(this.hv);
  }

  /** What every domain on the host holds, Domain-0 aside (a guest being built or kept after it stopped still holds its devices). */
  held(exceptUuid?: string): Held {
    const all: Held = { pci: [], scsi: [], usb: [] };
    for (const d of this.hv.list()) {
      if (d.domid === 0 || d.uuid === exceptUuid) continue;
      const h = heldBy(d.config?.devices ?? []);
      all.pci.push(...h.pci);
      all.scsi.push(...h.scsi);
      all.usb.push(...h.usb, ...(this.hv.deviceModelUsbDevices?.(d.domid) ?? []));
    }
    return all;
  }

  /**
   * What xend checked as it built a domain whose config gives it the host's
   * devices (pci_dev_check_assignability_and_do_FLR and the backends' own):
   * none held by another domain, each PCI function assignable.
   */
  checkFree(config: VmConfig): void {
    const wanted = heldBy(config.devices);
    if (!wanted.pci.length && !wanted.scsi.length && !wanted.usb.length) return;
    const host = this.inventory();
    const held = this.held(config.uuid);
    for (const name of wanted.pci) checkPciFunction(name, held.pci, host);
    const scsi = wanted.scsi.find((l) => held.scsi.includes(l));
    if (scsi) throw scsiTaken(scsi);
    const usb = wanted.usb.find((b) => held.usb.includes(b));
    if (usb) throw usbTaken(usb);
  }

  /** XendNode.pciinfo: the assignable functions no domain holds; None when none is assignable (no pciback). */
  pciinfo(): Sxp[] | null {
    const assignable = this.inventory().pci.filter(isAssignable);
    if (assignable.length === 0) return null;
    const held = new Set(this.held().pci);
    return assignable
      .filter((f) => !held.has(pciName(f)))
      .map((f) => ['dev', ['domain', hex0x(f.domain, 4)], ['bus', hex0x(f.bus, 2)], ['slot', hex0x(f.slot, 2)], ['func', hex0x(f.func, 1)]]);
  }

  /** The host's SCSI LUNs, as vscsi_util.vscsi_get_scsidevices found them. */
  scsiinfo(): Sxp[] {
    return this.inventory().scsi.map((l) => ['dev', ['p-dev', l.hctl], ['p-devname', l.devname], ['vendor', l.vendor], ['model', l.model]]);
  }

  /** The host's USB devices (hubs aside), each with whether a domain holds it (usbback's port_ids, a device model's). */
  usbinfo(): Sxp[] {
    const held = new Set(this.held().usb);
    return this.inventory().usb.map((u) => [
      'dev',
      ['bus', u.busid],
      ['busaddr', `${u.bus}.${u.addr}`],
      ['idvendor', u.idVendor],
      ['idproduct', u.idProduct],
      ['info', u.info],
      ['assigned', held.has(u.busid) ? 1 : 0],
    ]);
  }

  /** XendDomain.domain_usb_add: an HVM guest with usb=1 whose device model takes a host USB device. */
  usbAdd(dom: string | number, devId: string): void {
    this.deviceModelUsb(dom, devId, 'add');
  }

  usbDel(dom: string | number, devId: string): void {
    this.deviceModelUsb(dom, devId, 'del');
  }

  private deviceModelUsb(dom: string | number, devId: string, change: 'add' | 'del'): void {
    const r = this.domains.resolve(dom);
    const image = (r.live ? r.live.config : r.managed?.config)?.image;
    const body = Array.isArray(image) ? image[1] : undefined;
    const usb = body === undefined ? null : childValue(body, 'usb', null);
    const hvm = Array.isArray(body) && body[0] === 'hvm';
    // xend's checks, in its order (usb_del kept usb_add's words for the first).
    if (!usb || String(usb) === '0') throw new XendError("Can't add usb device to a guest with usb disabled in configure file");
    if (!hvm) throw new XendError(change === 'add' ? "Can't add usb device to a non-hvm guest" : "Can't del usb to a non-hvm guest");
    if (!r.live) {
      this.log.debug('error: Domain is not running!');
      return;
    }
    if (!this.hv.deviceModelUsb) throw new XendError(`usb-${change} is not supported by the ${this.hv.name} backend`);
    const device = this.usbDevice(devId);
    if (change === 'add' && this.held().usb.includes(device.busid)) throw new XendError(`USB device ${devId} is already assigned to a domain`);
    try {
      this.hv.deviceModelUsb(r.live.domid, change, device.busid);
    } catch (err) {
      throw new XendError((err as Error).message);
    }
  }

  /** The host USB device qemu-dm's name denotes. */
  private usbDevice(devId: string): UsbDevice {
    const byAddr = USB_BY_ADDR.exec(devId);
    const byId = USB_BY_ID.exec(devId);
    const found = this.inventory().usb.find((u) =>
      byAddr ? u.bus === Number(byAddr[1]) && u.addr === Number(byAddr[2]) : byId ? u.idVendor === byId[1]!.toLowerCase() && u.idProduct === byId[2]!.toLowerCase() : false,
    );
    if (!found) throw new XendError(`Could not find USB device ${devId.slice(0, 64)}: expected host:BUS.ADDR or host:VENDOR_ID:PRODUCT_ID of a device on this host`);
    return found;
  }
}
