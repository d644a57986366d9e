import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PCI_CONTROLLER } from '../../../../src/daemon/devices/pci.js';
import { VSCSI_CONTROLLER } from '../../../../src/daemon/devices/vscsi.js';
import { VUSB_CONTROLLER } from '../../../../src/daemon/devices/vusb.js';
import { parseHostDevices } from '../../../../src/hypervisor/host-devices.js';
import { OPTION_DEFAULTS } from '../../../../src/config/xend-options.js';
import type { DeviceContext, DeviceEntry } from '../../../../src/daemon/devices/controller.js';
import { PassthroughService } from '../../../../src/daemon/passthrough.js';
import type { DomainService } from '../../../../src/daemon/domains.js';
import type { Logger } from '../../../../src/daemon/log.js';
import type { Hypervisor } from '../../../../src/hypervisor/types.js';
import type { Sxp } from '../../../../src/sxp/types.js';

const HOST = parseHostDevices(OPTION_DEFAULTS['sim-host-devices'] as unknown as Sxp);

/** A domain `web` with `mine`, beside a domain `db` holding `theirs`. */
function ctx(mine: DeviceEntry[] = [], theirs: DeviceEntry[] = []): DeviceContext {
  return {
    domain: { name: 'web', uuid: 'u1', domid: 1, devices: mine },
    others: () => [{ name: 'db', uuid: 'u2', domid: 2, devices: theirs }],
    hostDevices: () => HOST,
  };
}

const pciDev = (bus: string, func: string, state: string): DeviceEntry => ['pci', ['dev', ['domain', '0x0000'], ['bus', bus], ['slot', '0x00'], ['func', func], ['vdevfn', '0x100'], ['key', 'k']], ['state', state]];
const configure = PCI_CONTROLLER.configureClass!;

test('pci: the first function makes the (pci …) entry, the next joins it, detaching the last removes it', () => {
  const [one] = configure([], pciDev('0x04', '0x0', 'Initialising'), null, ctx());
  assert.equal((one as Sxp[]).filter((x) => Array.isArray(x) && x[0] === 'dev').length, 1);
  const [two] = configure([one!], pciDev('0x04', '0x1', 'Initialising'), null, ctx([one!]));
  const structs = PCI_CONTROLLER.sxprs!([{ entry: two!, devid: 0 }], 1) as unknown as Record<string, string>[];
  assert.deepEqual(structs.map((s) => `${s.bus}:${s.func}`), ['0x04:0x0', '0x04:0x1']);
  assert.match(structs[0]!.uuid!, /^[0-9a-f-]{36}$/);
  const [left] = configure([two!], pciDev('0x04', '0x0', 'Closing'), null, ctx([two!]));
  assert.deepEqual(configure([left!], pciDev('0x04', '0x1', 'Closing'), null, ctx([left!])), []);
});

test("pci: xend's refusals", () => {
  const theirs = configure([], pciDev('0x03', '0x0', 'Initialising'), null, ctx());
  assert.throws(() => configure([], pciDev('0x03', '0x0', 'Initialising'), null, ctx([], theirs)), { message: 'failed to assign device 0000:03:00.0 that has already been assigned to other domain.' });
  assert.throws(() => configure([], pciDev('0x00', '0x0', 'Initialising'), null, ctx()), /failed to locate device and parse its resources/);
  assert.throws(() => configure([], pciDev('0x03', '0x0', 'Closing'), null, ctx()), { message: 'Cannot detach when pci platform does not exist' });
  assert.throws(() => configure([], ['pci', ['dev', ['domain', '0x0000'], ['bus', '0x300'], ['slot', '0'], ['func', '0']], ['state', 'Initialising']], null, ctx()), /Invalid pci device configuration: bus/);
});

const lun = (state: number, pdev: string | null, vdev: string): DeviceEntry => ['vscsi', ['feature-host', 0], ['dev', ['state', state], ['devid', 0], ['p-dev', pdev], ['p-devname', null], ['v-dev', vdev]]];

test('vscsi: LUNs join their virtual host, the host device name filled in; a halted view as xend gave it', () => {
  const [host] = VSCSI_CONTROLLER.configureClass!([], lun(1, '2:0:0:0', '0:0:0:0'), null, ctx());
  const [both] = VSCSI_CONTROLLER.configureClass!([host!], lun(1, '2:0:1:0', '0:0:1:0'), null, ctx([host!]));
  const [view] = VSCSI_CONTROLLER.sxprs!([{ entry: both!, devid: 0 }], null) as Sxp[][];
  assert.deepEqual(view, [0, [['devs', [
    ['dev', ['state', 1], ['devid', 0], ['p-dev', '2:0:0:0'], ['p-devname', 'sdb'], ['v-dev', '0:0:0:0'], ['frontstate', null]],
    ['dev', ['state', 1], ['devid', 0], ['p-dev', '2:0:1:0'], ['p-devname', 'sdc'], ['v-dev', '0:0:1:0'], ['frontstate', null]],
  ]], ['feature-host', 0]]]);
  assert.throws(() => VSCSI_CONTROLLER.configureClass!([both!], lun(1, '2:0:0:0', '0:0:2:0'), null, ctx([both!])), { message: 'The physical device "2:0:0:0" is already defined' });
  assert.throws(() => VSCSI_CONTROLLER.configureClass!([], lun(1, '2:0:0:0', '0:0:0:0'), null, ctx([], [both!])), { message: 'The physical device "2:0:0:0" is already defined' });
  assert.throws(() => VSCSI_CONTROLLER.configureClass!([both!], lun(5, null, '0:0:9:0'), null, ctx([both!])), { message: 'Cannot detach vscsi device does not exist' });
  assert.equal(VSCSI_CONTROLLER.configureClass!([host!], lun(5, null, '0:0:0:0'), null, ctx([host!])).length, 0);
});

test('vusb: a controller with empty ports; a bus on a port, refused where another port holds it or the port is taken', () => {
  const hc = VUSB_CONTROLLER.add(['vusb', ['usb-ver', '2'], ['num-ports', '2'], ['port', ['1', ''], ['2', '']]], ctx());
  const [attached] = VUSB_CONTROLLER.configureClass!([hc], ['vusb', ['port', ['1', '1-1']]], 0, ctx([hc]));
  assert.deepEqual(attached!.find((x) => Array.isArray(x) && x[0] === 'port'), ['port', ['1', '1-1'], ['2', '']]);
  assert.throws(() => VUSB_CONTROLLER.configureClass!([attached!], ['vusb', ['port', ['2', '1-1']]], 0, ctx([attached!])), { message: "Cannot assign already attached bus '1-1', detach first." });
  assert.throws(() => VUSB_CONTROLLER.configureClass!([attached!], ['vusb', ['port', ['1', '1-2']]], 0, ctx([attached!])), { message: "Cannot override already attached port '1', detach first." });
  assert.throws(() => VUSB_CONTROLLER.configureClass!([hc], ['vusb', ['port', ['1', '1-1']]], 0, ctx([hc], [attached!])), /already attached bus '1-1'/);
  assert.throws(() => VUSB_CONTROLLER.configureClass!([hc], ['vusb', ['port', ['1', '9-9']]], 0, ctx([hc])), { message: "Invalid Busid '9-9'" });
  assert.throws(() => VUSB_CONTROLLER.configureClass!([hc], ['vusb', ['port', ['1', '1-1']]], 3, ctx([hc])), { message: 'Device 3 not connected' });
  assert.throws(() => VUSB_CONTROLLER.add(['vusb', ['usb-ver', '3'], ['num-ports', '2']], ctx()), /usb-ver 3/);
});

test('a backend without host devices (qemu, xen) refuses pass-through, naming itself', () => {
  const qemu = { name: 'qemu', list: () => [] } as unknown as Hypervisor;
  const service = new PassthroughService(qemu, {} as DomainService, { debug() {} } as unknown as Logger);
  for (const call of [() => service.pciinfo(), () => service.scsiinfo(), () => service.usbinfo()]) {
    assert.throws(call, { message: 'Device pass-through is not supported by the qemu backend' });
  }
});
