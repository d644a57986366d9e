import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestXend } from '../helpers/xend.js';
import { freePort, startXendOver, type TransportName } from '../helpers/transports.js';
import { json, ok, refused } from '../helpers/xm-checks.js';
import { pythonCalls } from '../helpers/python-xmlrpc.js';

/**
 * Block and network devices end to end (xm block-*, network-*, network2-*),
 * through the real binaries against a real xend on the sim host: attach, list
 * (table and SXP), detach, xend's refusals, and devices kept across a restart
 * of xend, save/restore and migration.
 */

/** Disk images in a directory every xend here takes images from (xend-domain-image-path). */
const images = mkdtempSync(join(tmpdir(), 'xend-images-'));
const imageConfig = `(xend-domain-image-path ${images})\n`;
after(() => rmSync(images, { recursive: true, force: true }));

function image(name: string): string {
  const path = join(images, name);
  writeFileSync(path, '');
  return path;
}

/** xm block-list's row for a plugged-in disk of domain `domid`. */
const blockRow = (vdev: number, domid: string) => new RegExp(`^${String(vdev).padEnd(5)}  0    0     4      \\d+ +\\d+ +/local/domain/0/backend/vbd/${domid}/${vdev} +$`, 'm');

for (const transport of ['xmlrpc-unix', 'http-tcp'] as TransportName[]) {
  describe(`block and network devices over ${transport}`, () => {
    let x: TestXend;
    let id: string;
    before(async () => {
      x = await startXendOver(transport, imageConfig);
      ok(await x.xm('create', '/dev/null', 'name=dev1', 'memory=64'));
      ok(await x.xm('create', '/dev/null', 'name=dev2', 'memory=64'));
      id = (await x.xm('domid', 'dev1')).stdout.trim();
    });
    after(() => x.dispose());

    test('block-attach: the disk in block-list (table and SXP), in list --long, in --json', async () => {
      const disk = image(`${transport}-a.img`);
      const r = await x.xm('block-attach', 'dev1', `file:${disk}`, 'xvdb', 'w');
      ok(r);
      assert.equal(r.stdout + r.stderr, '');
      const list = await x.xm('block-list', 'dev1');
      ok(list);
      assert.ok(list.stdout.startsWith('Vdev  BE handle state evt-ch ring-ref BE-path\n'));
      assert.match(list.stdout, blockRow(51728, id));
      const long = await x.xm('block-list', '-l', 'dev1');
      assert.match(long.stdout, /^\(51728\n {4}\(\(backend-id 0\)\n {8}\(virtual-device 51728\)\n {8}\(device-type disk\)\n {8}\(state 4\)\n/);
      const domain = await x.xm('list', '--long', 'dev1');
      assert.match(domain.stdout, new RegExp(`\\(device\\n {8}\\(vbd\\n {12}\\(uname file:${disk}\\)\\n {12}\\(dev xvdb\\)\\n {12}\\(mode w\\)\\n`));
      const doc = await json(x, 'device-list', 'block-list', 'dev1');
      assert.deepEqual([doc.devices[0].devid, doc.devices[0].fields.state], [51728, '4']);
      await json(x, 'device-action', 'block-attach', 'dev1', `file:${image(`${transport}-c.img`)}`, 'hdc', 'r');
      assert.match((await x.xm('block-list', 'dev1')).stdout, blockRow(5632, id));
    });

    test("clashes get xend's refusals: a dev in use, a file in use, a file another guest writes, a bad MAC", async () => {
      const disk = `${images}/${transport}-a.img`;
      refused(await x.xm('block-attach', 'dev1', `file:${image(`${transport}-b.img`)}`, 'xvdb', 'w'), 'The device "xvdb" is already defined', 'block-attach');
      refused(await x.xm('block-attach', 'dev1', `file:${disk}`, 'xvdd', 'w'), `The file "${disk}" is already used`, 'block-attach');
      refused(
        await x.xm('block-attach', 'dev2', `file:${disk}`, 'xvdb', 'w'),
        `Device 51728 (vbd) could not be connected.\nFile ${disk} is loopback-mounted through /dev/loop0,\nwhich is mounted in a guest domain,\nand so cannot be mounted now.`,
        'block-attach',
      );
      refused(
        await x.xm('block-attach', 'dev2', `file:${disk}`, 'xvdb', 'r'),
        `Device 51728 (vbd) could not be connected.\nFile ${disk} is loopback-mounted through /dev/loop0,\nwhich is mounted read-write in a guest domain,\nand so cannot be mounted read-only now.`,
        'block-attach',
      );
      assert.equal((await x.xm('block-list', 'dev2')).stdout, '', 'a refused disk is not kept');
      refused(await x.xm('network-attach', 'dev1', 'mac=00:16:3e:zz:00:01'), 'Cannot create a new virtual network interface - MAC address is not valid!', 'network-attach');
      refused(await x.xm('block-detach', 'dev1', 'xvdo'), 'Device 51936 not connected', 'block-detach');
      const none = await x.xm('block-list');
      assert.deepEqual([none.code, none.stdout.split('\n')[0], none.stderr], [1, 'No domain parameter given', '']);
    });

    test('network-attach with its keys; network-list, -l; network-detach by MAC and by number', async () => {
      ok(await x.xm('network-attach', 'dev1', 'mac=00:16:3e:00:00:01', 'bridge=xenbr0', 'vifname=dev1e0', 'rate=10Mb/s', 'model=e1000'));
      ok(await x.xm('network-attach', 'dev1', 'type=netfront'));
      refused(await x.xm('network-attach', 'dev1', 'mac=00:16:3E:00:00:01'), 'The mac "00:16:3E:00:00:01" is already defined', 'network-attach');
      const list = await x.xm('network-list', 'dev1');
      const lines = list.stdout.split('\n');
      assert.equal(lines[0], 'Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path');
      assert.match(lines[1]!, new RegExp(`^0   0  00:16:3e:00:00:01    0     4      \\d+ +\\d+ */\\d+ +/local/domain/0/backend/vif/${id}/0 +$`));
      assert.match(lines[2]!, new RegExp(`^1   0  00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}    1 `));
      assert.match((await x.xm('network-list', '--long', 'dev1')).stdout, /^\(0\n {4}\(\(backend-id 0\)\n {8}\(mac 00:16:3e:00:00:01\)\n/);
      assert.match((await x.xm('list', '-l', 'dev1')).stdout, /\(vif\n {12}\(mac 00:16:3e:00:00:01\)\n {12}\(bridge xenbr0\)\n {12}\(vifname dev1e0\)\n {12}\(rate 10Mb\/s\)\n {12}\(model e1000\)\n/);
      ok(await x.xm('network-detach', 'dev1', '00:16:3e:00:00:01'));
      ok(await x.xm('network-detach', 'dev1', '0', '-f'));
      assert.equal((await x.xm('network-list', 'dev1')).stdout, '');
      refused(await x.xm('network-detach', 'dev1', '0'), 'Device 0 not connected', 'network-detach');
    });

    test('network2-attach, -list, -detach', async () => {
      ok(await x.xm('network2-attach', 'dev2', 'front_mac=00:16:3e:00:00:21', 'bridge=xenbr0'));
      assert.match((await x.xm('network2-list', 'dev2')).stdout, /^\(0\n {4}\(\(backend-id 0\)\n {8}\(mac 00:16:3e:00:00:21\)\n {8}\(remote-mac fe:ff:ff:ff:ff:ff\)\n/);
      ok(await x.xm('network2-detach', 'dev2', '0'));
      assert.equal((await x.xm('network2-list', 'dev2')).stdout, '');
    });

    test('block-configure changes a CD-ROM drive\'s media; block-detach removes disks by name and number', async () => {
      ok(await x.xm('block-attach', 'dev2', `file:${image(`${transport}-one.iso`)}`, 'hdc:cdrom', 'r'));
      const two = image(`${transport}-two.iso`);
      ok(await x.xm('block-configure', 'dev2', `file:${two}`, 'hdc:cdrom', 'r'));
      assert.match((await x.xm('list', '-l', 'dev2')).stdout, new RegExp(`\\(uname file:${two}\\)\\n {12}\\(dev hdc:cdrom\\)`));
      const refusal = await x.xm('block-configure', 'dev2', `file:${two}`, 'hdc', 'w');
      assert.match(refusal.stderr, /^Error: Refusing to reconfigure device vbd:5632 to \{'uname': 'file:.*', 'dev': 'hdc', 'mode': 'w'\}\n$/);
      ok(await x.xm('block-detach', 'dev2', 'hdc'));
      ok(await x.xm('block-detach', 'dev1', '51728'));
      ok(await x.xm('block-detach', 'dev1', 'hdc', '--force'));
      assert.equal((await x.xm('block-list', 'dev1')).stdout, '');
      assert.doesNotMatch((await x.xm('list', '-l', 'dev1')).stdout, /\(vbd/);
    });

    if (transport === 'xmlrpc-unix') {
      test("xm 4.4's own calls (Python's xmlrpc.client) get xend's answers", async () => {
        const disk = image('py.img');
        const id2 = Number((await x.xm('domid', 'dev2')).stdout.trim());
        const out = pythonCalls(
          (x as TestXend & { uri: string }).uri,
          `
out['create'] = fault(server.xend.domain.device_create, 'dev2', ['vbd', ['uname', 'file:${disk}'], ['dev', 'xvde'], ['mode', 'w']])
out['list'] = fault(server.xend.domain.getDeviceSxprs, 'dev2', 'vbd')
out['cls'] = fault(server.xend.domain.getBlockDeviceClass, 'dev2', 'xvde')
out['none'] = fault(server.xend.domain.getBlockDeviceClass, 'dev2', 'xvdf')
out['destroy'] = fault(server.xend.domain.destroyDevice, 'dev2', 'vbd', 'xvde', None, True)
out['unknown'] = fault(server.xend.domain.getDeviceSxprs, 'dev2', 'nosuch')
out['invalid'] = fault(server.xend.domain.device_create, 'dev2', ['nosuch', ['a', 'b']])
out['gone'] = fault(server.xend.domain.getDeviceSxprs, 'nope', 'vbd')
`,
        );
        assert.deepEqual(out.create, ['ok', ['vbd', ['dom', id2, 'id', 51776]]]);
        const [[devnum, front]] = (out.list as [string, [[string, [string, string][]]]])[1];
        assert.equal(devnum, '51776', "a running domain's devices are xenstore's keys, text");
        assert.deepEqual(front.find((kv) => kv[0] === 'state'), ['state', '4']);
        assert.deepEqual([out.cls, out.none, out.destroy], [['ok', 'vbd'], ['ok', null], ['ok', null]]);
        assert.deepEqual([out.unknown, out.invalid, out.gone], [[2, 'Unknown device type: nosuch'], [2, 'XendConfig: nosuch not a valid device type'], [3, 'nope']]);
      });
    }

    if (transport !== 'xmlrpc-unix') {
      test('a client other than root may name disks only in xend-domain-image-path', async () => {
        refused(
          await x.xm('block-attach', 'dev1', 'file:/etc/shadow', 'xvdf', 'r'),
          `/etc/shadow: a client other than root may only use files in ${images} (xend-domain-image-path), and no symlinks`,
          'block-attach',
        );
        refused(await x.xm('block-attach', 'dev1', 'phy:/dev/sda', 'xvdf', 'r'), '/dev/sda: a client other than root may only use the block devices xend-domain-block-devices lists', 'block-attach');
      });
    }
  });
}

describe('devices kept across xend restart, save/restore and migration', () => {
  let x: TestXend;
  before(async () => {
    x = await TestXend.start(imageConfig + '(sim-host-memory 4096)\n');
  });
  after(() => x.dispose());

  test('a managed domain keeps the devices attached while halted across xend restart, and runs with them', async () => {
    ok(await x.xm('new', '/dev/null', 'name=keep', 'memory=64'));
    ok(await x.xm('block-attach', 'keep', `file:${image('keep.img')}`, 'xvda', 'w'));
    ok(await x.xm('network-attach', 'keep', 'mac=00:16:3e:00:00:31'));
    // Not running: block-list shows the config's entry, without frontend state.
    assert.match((await x.xm('block-list', 'keep')).stdout, /^51712  -1   0     -1     -1     -1    \?\? +$/m);
    ok(await x.xend('restart'));
    assert.match((await x.xm('block-list', '-l', 'keep')).stdout, /\(uname file:.*keep\.img\)/);
    ok(await x.xm('start', 'keep'));
    const id = (await x.xm('domid', 'keep')).stdout.trim();
    assert.match((await x.xm('block-list', 'keep')).stdout, blockRow(51712, id));
    // Attached while running, kept in the managed config too.
    ok(await x.xm('block-attach', 'keep', `file:${image('keep2.img')}`, 'xvdb', 'w'));
    ok(await x.xend('restart'));
    const rows = (await x.xm('block-list', 'keep')).stdout;
    assert.match(rows, blockRow(51712, id));
    assert.match(rows, blockRow(51728, id));
    assert.match((await x.xm('network-list', 'keep')).stdout, /^0   0  00:16:3e:00:00:31 /m);
    ok(await x.xm('destroy', 'keep'));
    assert.match((await x.xm('block-list', '-l', 'keep')).stdout, /keep2\.img/, 'still defined once halted');
  });

  test('save and restore bring the attached devices back', async () => {
    ok(await x.xm('create', '/dev/null', 'name=saver', 'memory=64'));
    ok(await x.xm('block-attach', 'saver', `file:${image('saver.img')}`, 'xvdc', 'w'));
    ok(await x.xm('network-attach', 'saver', 'mac=00:16:3e:00:00:41'));
    const file = x.path('var/lib/xen/save/saver.chk');
    mkdirSync(join(file, '..'), { recursive: true });
    ok(await x.xm('save', 'saver', file));
    assert.equal((await x.xm('block-list', 'saver')).code, 3);
    ok(await x.xm('restore', file));
    const id = (await x.xm('domid', 'saver')).stdout.trim();
    assert.match((await x.xm('block-list', 'saver')).stdout, blockRow(51744, id));
    assert.match((await x.xm('network-list', 'saver')).stdout, /^0   0  00:16:3e:00:00:41 /m);
  });

  test('migration carries the devices: listed on the destination', async () => {
    const port = await freePort();
    const dst = await TestXend.start(`${imageConfig}(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${port})\n`);
    try {
      ok(await x.xm('create', '/dev/null', 'name=mover', 'memory=64'));
      const disk = image('mover.img');
      ok(await x.xm('block-attach', 'mover', `file:${disk}`, 'xvdb', 'w'));
      ok(await x.xm('network-attach', 'mover', 'mac=00:16:3e:00:00:51', 'bridge=xenbr0'));
      ok(await x.xm('migrate', '-l', '-p', String(port), 'mover', '127.0.0.1'));
      const id = (await dst.xm('domid', 'mover')).stdout.trim();
      assert.match((await dst.xm('block-list', 'mover')).stdout, blockRow(51728, id));
      assert.match((await dst.xm('network-list', 'mover')).stdout, /^0   0  00:16:3e:00:00:51 /m);
      assert.match((await dst.xm('list', '-l', 'mover')).stdout, new RegExp(`\\(uname file:${disk}\\)`));
      ok(await dst.xm('block-detach', 'mover', 'xvdb'));
      assert.equal((await dst.xm('block-list', 'mover')).stdout, '');
    } finally {
      await dst.dispose();
    }
  });
});
