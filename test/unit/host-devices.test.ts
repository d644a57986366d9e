import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostDevices, isAssignable, pciName } from '../../src/hypervisor/host-devices.js';
import { OPTION_DEFAULTS } from '../../src/config/xend-options.js';
import { parseFirst } from '../../src/sxp/index.js';
import type { Sxp } from '../../src/sxp/types.js';

test("sim-host-devices' default: PCI functions (two assignable), SCSI LUNs, USB devices", () => {
  const inv = parseHostDevices(OPTION_DEFAULTS['sim-host-devices'] as unknown as Sxp);
  assert.deepEqual(inv.pci.filter(isAssignable).map(pciName), ['0000:03:00.0', '0000:04:00.0', '0000:04:00.1']);
  assert.deepEqual(inv.scsi.map((l) => `${l.hctl} ${l.devname}`), ['2:0:0:0 sdb', '2:0:1:0 sdc']);
  assert.deepEqual(inv.usb.map((u) => [u.busid, u.bus, u.addr, u.idVendor, u.idProduct]), [
    ['1-1', 1, 2, '046d', 'c52b'],
    ['1-2', 1, 3, '0781', '5567'],
  ]);
});

test('sim-host-devices: an entry that is not one is refused with its shape; a device listed twice too', () => {
  const parse = (text: string) => () => parseHostDevices(parseFirst(text));
  assert.throws(parse("((pci 03:00.0 8086:10d3 Intel NIC pciback))"), /invalid entry .*expected \(pci DOMAIN:BUS:SLOT\.FUNC VENDOR:DEVICE VENDOR-NAME DEVICE-NAME DRIVER\)/);
  assert.throws(parse('((scsi 2:0:0 sdb ATA disk))'), /expected \(scsi HOST:CHANNEL:TARGET:LUN DEVNAME VENDOR MODEL\)/);
  assert.throws(parse('((usb 1-1 1.2 046d:c52b))'), /expected \(usb BUSID BUS\.ADDR VENDOR:PRODUCT NAME\)/);
  assert.throws(parse('((gpu 1))'), /expected \(pci .*\(scsi .*\(usb /);
  assert.throws(parse("((usb 1-1 1.2 046d:c52b a) (usb 1-1 1.3 046d:c52b b))"), /usb 1-1 is listed twice/);
  assert.throws(() => parseHostDevices('x'), /expected a list/);
  assert.deepEqual(parseHostDevices(parseFirst('()')), { pci: [], scsi: [], usb: [] });
});
