import { child, childValue } from '../../sxp/index.js';
import { XendError } from '../../protocol/faults.js';
import { USB_BUSID } from '../../hypervisor/host-devices.js';
import { heldAround, usbTaken } from '../passthrough.js';
import { CONNECTED, passThroughController, type DeviceContext, type DeviceEntry } from './controller.js';
import type { Sxp } from '../../sxp/types.js';

const MAX_PORTS = 16;

/** A virtual host controller's root ports and the host bus each holds ('' = none), 1-based. */
function portsOf(entry: DeviceEntry): Map<number, string> {
  const ports = new Map<number, string>();
  for (const p of (child(entry, 'port', ['port']) as Sxp[]).slice(1)) {
    if (!Array.isArray(p) || p.length !== 2) continue;
    const [num, bus] = [String(p[0]), String(p[1] ?? '')];
    if (!/^\d{1,2}$/.test(num) || (bus !== '' && !USB_BUSID.test(bus))) throw new XendError(`Invalid vusb port: ${num.slice(0, 8)} ${bus.slice(0, 24)}`);
    ports.set(Number(num), bus);
  }
  return ports;
}

function withPorts(entry: DeviceEntry, ports: Map<number, string>): DeviceEntry {
  const port: Sxp[] = ['port', ...[...ports].map(([n, bus]) => [String(n), bus])];
  return [...entry.filter((kv) => !(Array.isArray(kv) && kv[0] === 'port')), port];
}

/** A host bus a port may be given: on the host, held by no other port of any domain. */
function checkBus(bus: string, mine: readonly DeviceEntry[], ctx: DeviceContext): void {
  if (!ctx.hostDevices().usb.some((u) => u.busid === bus)) throw new XendError(`Invalid Busid '${bus}'`);
  if (heldAround(mine, ctx).usb.includes(bus)) throw usbTaken(bus);
}

/**
 * USB pass-through (vusbif.VUSBController, XendDomainInfo.vusb_device_configure):
 * one `(vusb (usb-ver …) (num-ports …) (port (1 BUS) …))` entry per virtual host
 * controller (usb-hc-create), numbered in order; usb-attach and usb-detach give
 * a port a host bus, or take it back, with device_configure.
 */
export const VUSB_CONTROLLER = passThroughController('vusb', {
  add(config, ctx) {
    const ver = String(childValue(config, 'usb-ver', ''));
    const num = String(childValue(config, 'num-ports', ''));
    if (ver !== '1' && ver !== '2') throw new XendError(`Invalid vusb option: usb-ver ${ver.slice(0, 8)}`);
    if (!/^\d{1,2}$/.test(num) || Number(num) < 1 || Number(num) > MAX_PORTS) throw new XendError(`Invalid vusb option: num-ports ${num.slice(0, 8)}`);
    const given = portsOf(config);
    const ports = new Map<number, string>();
    const mine = ctx.domain.devices.filter((d) => d[0] === 'vusb');
    for (let n = 1; n <= Number(num); n++) {
      const bus = given.get(n) ?? '';
      if (bus) checkBus(bus, [...mine, withPorts(['vusb'], ports)], ctx);
      ports.set(n, bus);
    }
    return withPorts(['vusb', ['usb-ver', ver], ['num-ports', num]], ports);
  },

  number: (_entry, index) => index,

  /** VUSBController.sxprs: what the frontend and backend directories held. */
  frontend: (entry, devid, domid) => [
    ['backend-id', '0'],
    ['state', CONNECTED],
    ['backend', `/local/domain/0/backend/vusb/${domid}/${devid}`],
    ['usb-ver', String(childValue(entry, 'usb-ver', '2'))],
    ['num-ports', String(childValue(entry, 'num-ports', '0'))],
    child(entry, 'port', ['port']) as Sxp[],
  ],

  configureClass(entries, config, devid, ctx) {
    const index = devid ?? -1;
    const current = entries[index];
    if (!current) throw new XendError(`Device ${String(devid)} not connected`);
    const ports = portsOf(current);
    for (const [n, bus] of portsOf(config)) {
      // As reconfigureDevice: a port the controller does not have is not changed.
      if (!ports.has(n) || ports.get(n) === bus) continue;
      if (bus && ports.get(n)) throw new XendError(`Cannot override already attached port '${n}', detach first.`);
      if (bus) checkBus(bus, entries, ctx);
      ports.set(n, bus);
    }
    return entries.map((e, i) => (i === index ? withPorts(e, ports) : e));
  },
});
