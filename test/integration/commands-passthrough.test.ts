import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startXendOver, type TransportName } from '../helpers/transports.js';
import { json, ok, refused } from '../helpers/xm-checks.js';
import { pythonCalls } from '../helpers/python-xmlrpc.js';

/**
 * Pass-through end to end, through the binaries: the simulated host's inventory
 * (from sim-host-devices), attaching, listing and detaching PCI functions, SCSI
 * LUNs and USB buses, the refusals of a device another domain holds or pciback
 * does not own, usb-add on an HVM guest, and what survives `xend restart`.
 */
const INVENTORY = `(sim-host-devices (
  (pci 0000:00:02.0 8086:0162 'Intel Corporation' 'Graphics Controller' i915)
  (pci 0000:03:00.0 8086:10d3 'Intel Corporation' '82574L Gigabit Network Connection' pciback)
  (pci 0000:04:00.0 8086:10c9 'Intel Corporation' '82576 Gigabit Network Connection' pciback)
  (pci 0000:04:00.1 8086:10c9 'Intel Corporation' '82576 Gigabit Network Connection' pci-stub)
  (scsi 2:0:0:0 sdb ATA ST3500418AS)
  (scsi 2:0:1:0 sdc ATA 'WDC WD5000AAKX')
  (usb 1-1 1.2 046d:c52b 'Logitech USB Receiver')
  (usb 1-2 1.3 0781:5567 'SanDisk Cruzer Blade')
))
`;

function passthroughSuite(transport: TransportName): void {
  describe(`pass-through over ${transport}`, () => {
    let x: Awaited<ReturnType<typeof startXendOver>>;
    before(async () => {
      // Over TCP a client is not root: xend-domain-passthrough lets it give the host's devices.
      x = await startXendOver(transport, `(sim-host-memory 4096)\n(xend-domain-passthrough yes)\n${INVENTORY}`);
      for (const name of ['p1', 'p2']) ok(await x.xm('create', '/dev/null', `name=${name}`, 'memory=64'), `create ${name}`);
      ok(await x.xm('new', '/dev/null', 'name=m1', 'memory=64'), 'new m1');
    });
    after(() => x.dispose());

    test('the inventory: assignable PCI functions and USB devices, and xm info -c shows the option', async () => {
      assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '0000:03:00.0\n0000:04:00.0\n0000:04:00.1\n');
      assert.equal((await x.xm('usb-list-assignable-devices')).stdout, '1-1          : ID 046d:c52b Logitech USB Receiver\n1-2          : ID 0781:5567 SanDisk Cruzer Blade\n');
      assert.match((await x.xm('info', '-c')).stdout, /^sim-host-devices +: .*0000:03:00\.0/m);
    });

    test('PCI: attach, list, double assignment and non-assignable refused, detach frees', async () => {
      ok(await x.xm('pci-attach', 'p1', '03:00.0'), 'pci-attach');
      assert.equal((await x.xm('pci-list', 'p1')).stdout, 'Device\n0000:03:00.0\n');
      // pciif's testMigrateDevices: refused before anything moves, the domain runs on here.
      const moved = await x.xm('migrate', 'p1', 'localhost');
      assert.deepEqual([moved.code, moved.stderr], [1, 'Error: Migration not permitted with assigned PCI device.\n']);
      assert.match((await x.xm('list', 'p1')).stdout, /\np1 +\d+ /);
      assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '0000:04:00.0\n0000:04:00.1\n');
      assert.match((await x.xm('list', '--long', 'p1')).stdout, /\(device\n\s+\(pci\n\s+\(dev\n\s+\(domain 0x0000\)\n\s+\(bus 0x03\)/);
      refused(await x.xm('pci-attach', 'p2', '0000:03:00.0'), 'failed to assign device 0000:03:00.0 that has already been assigned to other domain.', 'pci-attach');
      refused(await x.xm('pci-attach', 'p1', '03:00.0'), 'pci: device 0000:03:00.0 has been attached! ', 'pci-attach');
      refused(await x.xm('pci-attach', 'p2', '00:02.0'), "pci: PCI Backend and pci-stub don't own device 0000:00:02.0", 'pci-attach');
      ok(await x.xm('pci-attach', 'p2', '04:00.0-1'), 'pci-attach of two functions');
      assert.equal((await x.xm('pci-list', 'p2')).stdout, 'Device\n0000:04:00.0\n0000:04:00.1\n');
      assert.deepEqual((await json(x, 'pci-list', 'pci-list', 'p2')).devices, [
        { device: '0000:04:00.0', vdev: null, key: '04:00.0-1' },
        { device: '0000:04:00.1', vdev: null, key: '04:00.0-1' },
      ]);
      assert.deepEqual((await json(x, 'pci-list-assignable-devices', 'pci-list-assignable-devices')).devices, []);
      assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '');
      ok(await x.xm('pci-detach', 'p2', '04:00.0-1'), 'pci-detach');
      assert.equal((await x.xm('pci-list', 'p2')).stdout, '');
      refused(await x.xm('pci-detach', 'p2', '04:00.0'), 'pci: device 0000:04:00.0 is not attached!', 'pci-detach');
      ok(await x.xm('pci-attach', 'm1', '04:00.0'), 'pci-attach to a managed domain');
      // A config's pci= is checked as the domain is built, as xend's pci_dev_check_assignability did.
      const taken = await x.xm('create', '/dev/null', 'name=p3', 'memory=64', 'pci=03:00.0');
      assert.deepEqual([taken.code, taken.stderr], [1, 'Error: failed to assign device 0000:03:00.0 that has already been assigned to other domain.\n']);
      const owned = await x.xm('create', '/dev/null', 'name=p3', 'memory=64', 'pci=00:02.0');
      assert.deepEqual([owned.code, owned.stderr], [1, "Error: pci: PCI Backend and pci-stub don't own device 0000:00:02.0\n"]);
    });

    test('SCSI: attach by /dev node and by HCTL, list, a LUN held elsewhere refused, detach', async () => {
      ok(await x.xm('scsi-attach', 'p1', '/dev/sdb', '0:0:0:0'), 'scsi-attach');
      ok(await x.xm('scsi-attach', 'p1', '2:0:1:0', '0:0:1:0'), 'scsi-attach by HCTL');
      assert.equal(
        (await x.xm('scsi-list', 'p1')).stdout,
        'Idx BE  state host  phy-hctl   phy   vir-hctl   devstate\n' + '0   0   4     0     2:0:0:0    sdb   0:0:0:0    4   \n' + '0   0   4     0     2:0:1:0    sdc   0:0:1:0    4   \n',
      );
      refused(await x.xm('scsi-attach', 'p2', 'sdb', '0:0:0:0'), 'The physical device "2:0:0:0" is already defined', 'scsi-attach');
      refused(await x.xm('scsi-attach', 'p2', 'sdz', '0:0:0:0'), "Cannot find device 'sdz'", 'scsi-attach');
      ok(await x.xm('scsi-detach', 'p1', '0:0:1:0'), 'scsi-detach');
      assert.doesNotMatch((await x.xm('scsi-list', 'p1')).stdout, /sdc/);
      assert.match((await x.xm('scsi-list', '-l', 'p1')).stdout, /\(p-dev 2:0:0:0\)/);
      const scsi = await json(x, 'scsi-list', 'scsi-list', 'p1');
      assert.deepEqual(scsi.hosts[0].luns, [{ p_dev: '2:0:0:0', p_devname: 'sdb', v_dev: '0:0:0:0', frontstate: '4' }]);
    });

    test('USB: a host controller, a bus on a port, the same bus refused elsewhere, detach and destroy', async () => {
      ok(await x.xm('usb-hc-create', 'p1', '2', '2'), 'usb-hc-create');
      ok(await x.xm('usb-attach', 'p1', '0', '1', '1-1'), 'usb-attach');
      assert.equal(
        (await x.xm('usb-list', 'p1')).stdout,
        'Idx BE  state usb-ver  BE-path                       \n0   0   4     USB2.0  /local/domain/0/backend/vusb/1/0  \nport 1: 1-1 [ID 046d:c52b Logitech USB Receiver]\nport 2: \n',
      );
      assert.equal((await x.xm('usb-list-assignable-devices')).stdout, '1-2          : ID 0781:5567 SanDisk Cruzer Blade\n');
      ok(await x.xm('usb-hc-create', 'p2', '1', '1'), 'usb-hc-create p2');
      refused(await x.xm('usb-attach', 'p2', '0', '1', '1-1'), "Cannot assign already attached bus '1-1', detach first.", 'usb-attach');
      ok(await x.xm('usb-detach', 'p1', '0', '1'), 'usb-detach');
      ok(await x.xm('usb-attach', 'p2', '0', '1', '1-1'), 'usb-attach once freed');
      ok(await x.xm('usb-hc-destroy', 'p2', '0'), 'usb-hc-destroy');
      const hcs = await json(x, 'usb-list', 'usb-list', 'p1');
      assert.deepEqual(hcs.controllers[0].ports[0], { port: 1, bus: '', id_vendor: null, id_product: null, info: null });
      assert.deepEqual((await json(x, 'usb-list-assignable-devices', 'usb-list-assignable-devices')).devices.map((d: { bus: string }) => d.bus), ['1-1', '1-2']);
      assert.equal((await x.xm('usb-list', 'p2')).stdout, '');
      assert.match((await x.xm('usb-list-assignable-devices')).stdout, /^1-1 /m);
      assert.equal((await json(x, 'passthrough-action', 'usb-hc-create', 'p2', '2', '1')).command, 'usb-hc-create');
    });

    test('usb-add and usb-del: an HVM guest with usb=1 takes a host device; a PV guest is refused as xend did', async () => {
      // In xend's image directory, where a client other than root may take a loader from.
      const loader = x.writeFile('var/lib/xen/images/hvmloader', '');
      ok(await x.xm('create', '/dev/null', 'name=h1', 'memory=64', 'builder=hvm', `kernel=${loader}`, 'usb=yes'), 'create h1');
      ok(await x.xm('usb-add', 'h1', 'host:1.3'), 'usb-add');
      assert.doesNotMatch((await x.xm('usb-list-assignable-devices')).stdout, /^1-2 /m);
      refused(await x.xm('usb-add', 'h1', 'host:0781:5567'), 'USB device host:0781:5567 is already assigned to a domain', 'usb-add');
      ok(await x.xm('usb-del', 'h1', 'host:1.3'), 'usb-del');
      refused(await x.xm('usb-add', 'p1', 'host:1.3'), "Can't add usb device to a guest with usb disabled in configure file", 'usb-add');
    });

    test("the real xm 4.4's calls: pciinfo, device_configure of a (pci …), getDeviceSxprs' structs, usb_add's refusal", () => {
      const out = pythonCalls(
        x.uri,
        `
out['pciinfo'] = server.xend.node.pciinfo()
out['attach'] = fault(server.xend.domain.device_configure, 'p2', ['pci', ['dev', ['slot', '0x00'], ['domain', '0x0000'], ['key', '04:00.1'], ['bus', '0x04'], ['vdevfn', '0x100'], ['func', '0x1']], ['state', 'Initialising']])
out['pci'] = server.xend.domain.getDeviceSxprs('p2', 'pci')
out['detach'] = fault(server.xend.domain.device_configure, 'p2', ['pci', ['dev', ['slot', '0x00'], ['domain', '0x0000'], ['key', '04:00.1'], ['bus', '0x04'], ['vdevfn', '0x100'], ['func', '0x1']], ['state', 'Closing']])
out['usb_add'] = fault(server.xend.domain.usb_add, 'p2', 'host:1.2')
out['usb'] = server.xend.domain.getDeviceSxprs('p1', 'vusb')
`,
      );
      assert.deepEqual(out.attach, ['ok', true]);
      assert.deepEqual(out.detach, ['ok', true]);
      assert.ok((out.pciinfo as unknown[]).some((d) => JSON.stringify(d) === JSON.stringify(['dev', ['domain', '0x0000'], ['bus', '0x04'], ['slot', '0x00'], ['func', '0x1']])));
      const [fn] = out.pci as Record<string, string>[];
      assert.deepEqual([fn!.domain, fn!.bus, fn!.slot, fn!.func, fn!.vdevfn, fn!.key], ['0x0000', '0x04', '0x00', '0x1', '0x100', '04:00.1']);
      assert.deepEqual(out.usb_add, [2, "Can't add usb device to a guest with usb disabled in configure file"]);
      // A running domain's devices keyed by number as text, as xenstore listed them.
      assert.deepEqual((out.usb as unknown[][])[0]![0], '0');
    });

    test('what domains hold survives xend restart, the managed domain\'s too', async () => {
      ok(await x.xend('restart'), 'xend restart');
      assert.equal((await x.xm('pci-list', 'p1')).stdout, 'Device\n0000:03:00.0\n');
      assert.equal((await x.xm('pci-list', 'm1')).stdout, 'Device\n0000:04:00.0\n');
      assert.match((await x.xm('scsi-list', 'p1')).stdout, /2:0:0:0 {4}sdb/);
      assert.match((await x.xm('usb-list', 'p1')).stdout, /^port 1: \nport 2: \n$/m);
      refused(await x.xm('pci-attach', 'p2', '03:00.0'), 'failed to assign device 0000:03:00.0 that has already been assigned to other domain.', 'pci-attach');
      ok(await x.xm('pci-detach', 'p1', '03:00.0'), 'pci-detach after restart');
      assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '0000:03:00.0\n0000:04:00.0\n0000:04:00.1\n');
      ok(await x.xm('start', 'm1'), 'start of the managed domain holding 04:00.0');
      assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '0000:03:00.0\n0000:04:00.1\n');
    });
  });
}

passthroughSuite('xmlrpc-unix');
passthroughSuite('xmlrpc-tcp');

describe('pass-through for a client other than root, without xend-domain-passthrough', () => {
  let x: Awaited<ReturnType<typeof startXendOver>>;
  before(async () => {
    x = await startXendOver('xmlrpc-tcp', INVENTORY);
    ok(await x.xm('create', '/dev/null', 'name=p1', 'memory=64'), 'create p1');
  });
  after(() => x.dispose());

  test("attaching the host's devices is refused, listing them is not", async () => {
    assert.equal((await x.xm('pci-list-assignable-devices')).stdout, '0000:03:00.0\n0000:04:00.0\n0000:04:00.1\n');
    const refusal = "a client other than root may not pass the host's devices to a guest (xend-domain-passthrough)";
    refused(await x.xm('pci-attach', 'p1', '03:00.0'), `Invalid device pci: ${refusal}`, 'pci-attach');
    refused(await x.xm('scsi-attach', 'p1', 'sdb', '0:0:0:0'), `Invalid device vscsi: ${refusal}`, 'scsi-attach');
    refused(await x.xm('usb-add', 'p1', 'host:1.2'), refusal, 'usb-add');
    assert.equal((await x.xm('pci-list', 'p1')).stdout, '');
  });
});
