// DeviceService with the vbd and vif controllers (src/daemon/devices/), in-process on a sim host.
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SimDomains } from '../../../helpers/sim-domains.js';
import { XendError } from '../../../../src/protocol/faults.js';
import { childValue, children } from '../../../../src/sxp/index.js';
import type { Sxp } from '../../../../src/sxp/types.js';

const vm = (name: string, ...extra: Sxp[]): Sxp => ['vm', ['name', name], ['memory', 16], ...extra];

let x: SimDomains;
let disk: (name: string) => string;
beforeEach(() => {
  x = SimDomains.open();
  disk = (name) => {
    const path = join(x.dir, name);
    writeFileSync(path, '');
    return path;
  };
});
afterEach(() => x.close());

/** The domain's (device …) bodies as `xm list --long` shows them. */
const devices = (dom: string): Sxp[][] => children(x.domains.domain(dom, true), 'device').map((d) => (d as Sxp[])[1] as Sxp[]).filter((d) => d[0] !== 'console');
const vbd = (uname: string, dev: string, mode = 'w'): Sxp => ['vbd', ['uname', uname], ['dev', dev], ['mode', mode]];

describe('block devices', () => {
  test('device_create plugs a disk into a running domain: its number, its entry in the config, the frontend in getDeviceSxprs', () => {
    x.domains.create(vm('a'));
    const id = x.domains.lookup('a').domid;
    const file = disk('a.img');
    assert.deepEqual(x.devices.create('a', vbd(`file:${file}`, 'xvdb')), ['vbd', ['dom', id, 'id', 51728]]);
    const [entry] = devices('a');
    assert.equal(childValue(entry!, 'uname'), `file:${file}`);
    assert.equal(childValue(entry!, 'driver'), 'paravirtualised');
    assert.equal(childValue(entry!, 'bootable'), 1);
    assert.match(String(childValue(entry!, 'uuid')), /^[0-9a-f-]{36}$/);
    const [row] = x.devices.sxprs('a', 'vbd') as Sxp[][];
    assert.equal(row![0], '51728', "xenstore's key");
    assert.equal(childValue(['x', ...(row![1] as Sxp[])], 'state'), '4');
    assert.equal(childValue(['x', ...(row![1] as Sxp[])], 'backend'), `/local/domain/0/backend/vbd/${id}/51728`);
    assert.equal(x.devices.blockDeviceClass('a', 'xvdb'), 'vbd');
    assert.equal(x.devices.blockDeviceClass('a', 'xvdc'), null);
  });

  test("clashes get xend's refusals: the same dev, the same file, a file another guest writes", () => {
    x.domains.create(vm('a'));
    x.domains.create(vm('b'));
    const file = disk('a.img');
    x.devices.create('a', vbd(`file:${file}`, 'xvdb'));
    assert.throws(() => x.devices.create('a', vbd(`file:${disk('other.img')}`, 'xvdb')), { message: 'The device "xvdb" is already defined' });
    assert.throws(() => x.devices.create('a', vbd(`file:${file}`, 'xvdc')), { message: `The file "${file}" is already used` });
    const id = 51728;
    assert.throws(() => x.devices.create('b', vbd(`file:${file}`, 'xvdb')), {
      message: `Device ${id} (vbd) could not be connected.\nFile ${file} is loopback-mounted through /dev/loop0,\nwhich is mounted in a guest domain,\nand so cannot be mounted now.`,
    });
    assert.throws(() => x.devices.create('b', vbd(`file:${file}`, 'xvdb', 'r')), /which is mounted read-write in a guest domain,\nand so cannot be mounted read-only now\.$/);
    assert.equal(devices('b').length, 0, 'a refused device leaves the config as it was');
    // w! is the administrator saying it may be shared.
    x.devices.create('b', vbd(`file:${file}`, 'xvdb', 'w!'));
  });

  test('read-only disks are shared; a disk that does not exist is not connected', () => {
    x.domains.create(vm('a'));
    x.domains.create(vm('b'));
    const iso = disk('cd.iso');
    x.devices.create('a', vbd(`file:${iso}`, 'hdc:cdrom', 'r'));
    x.devices.create('b', vbd(`file:${iso}`, 'hdc:cdrom', 'r'));
    assert.throws(() => x.devices.create('a', vbd(`file:${join(x.dir, 'none.img')}`, 'xvdb')), { message: `Device 51728 (vbd) could not be connected. ${join(x.dir, 'none.img')} does not exist.` });
    assert.equal(devices('a').length, 1);
  });

  test("bad configs get blkif's messages", () => {
    x.domains.create(vm('a'));
    const file = disk('a.img');
    assert.throws(() => x.devices.create('a', vbd('', 'xvdb')), { message: 'Block device must have physical details specified' });
    assert.throws(() => x.devices.create('a', vbd(`nbd:${file}`, 'xvdb')), { message: 'Block device type "nbd" is invalid.' });
    assert.throws(() => x.devices.create('a', vbd(`file:${file}`, 'xvdb', 'rw')), { message: 'Invalid mode' });
    assert.throws(() => x.devices.create('a', vbd(`file:${file}`, 'eth0')), { message: 'Unable to find number for device (eth0)' });
    assert.throws(() => x.devices.create('a', ['tap', ['uname', `tap:nope:${file}`], ['dev', 'xvdb'], ['mode', 'w']]), { message: 'tap:nope not a valid disk type' });
    assert.throws(() => x.devices.create('a', ['usb', ['x', 1]]), { message: 'XendConfig: usb not a valid device type' });
    assert.throws(() => x.devices.sxprs('a', 'usb'), { message: 'Unknown device type: usb' });
  });

  test('destroyDevice unplugs by name or number and removes the entry; an unknown one is not connected', () => {
    x.domains.create(vm('a'));
    x.devices.create('a', vbd(`file:${disk('a.img')}`, 'xvdb'));
    x.devices.create('a', vbd(`file:${disk('b.img')}`, 'xvdc'));
    x.devices.destroy('a', 'vbd', 'xvdb', false, true);
    x.devices.destroy('a', 'vbd', '51744', false, true);
    assert.deepEqual(devices('a'), []);
    assert.throws(() => x.devices.destroy('a', 'vbd', 'xvdb', false, true), { message: 'Device 51728 not connected' });
  });

  test('a managed domain that is not running keeps its devices in its stored config, listed as the config has them', () => {
    x.managed.new(vm('m'));
    assert.deepEqual(x.devices.create('m', vbd('file:/nowhere.img', 'hda')), ['vbd', ['dom', null, 'id', null]]);
    const [n, entry] = (x.devices.sxprs('m', 'vbd') as [number, Sxp[]][])[0]!;
    assert.equal(n, 768);
    assert.equal(childValue(entry as Sxp, 'uname'), 'file:/nowhere.img');
    x = x.reopen();
    assert.equal(devices('m').length, 1, 'kept across a restart of xend');
    assert.throws(() => x.devices.destroy('m', 'vbd', 'hdb', false, true), { message: 'Device hdb is not defined' });
    x.devices.destroy('m', 'vbd', 'hda', false, true);
    assert.deepEqual(devices('m'), []);
  });

  test('device_configure changes a CD-ROM drive\'s media, and refuses anything else', () => {
    x.domains.create(vm('a'));
    x.devices.create('a', vbd(`file:${disk('one.iso')}`, 'hdc:cdrom', 'r'));
    x.devices.create('a', vbd(`file:${disk('a.img')}`, 'xvdb'));
    const two = disk('two.iso');
    assert.equal(x.devices.configure('a', vbd(`file:${two}`, 'hdc:cdrom', 'r'), null), true);
    assert.equal(childValue(devices('a')[0]!, 'uname'), `file:${two}`);
    assert.throws(() => x.devices.configure('a', vbd(`file:${two}`, 'xvdb'), null), /Refusing to reconfigure device vbd:51728 to \{'uname': 'file:.*two.iso', 'dev': 'xvdb', 'mode': 'w'\}$/);
    assert.throws(() => x.devices.configure('a', vbd(`file:${two}`, 'hdd:cdrom', 'r'), null), { message: 'Device 5696 not connected' });
  });
});

describe('network interfaces', () => {
  test('vifs are numbered in order, get a MAC when none is given, and are found by number or MAC', () => {
    x.domains.create(vm('a'));
    const id = x.domains.lookup('a').domid;
    assert.deepEqual(x.devices.create('a', ['vif', ['bridge', 'xenbr0']]), ['vif', ['dom', id, 'id', 0]]);
    assert.deepEqual(x.devices.create('a', ['vif', ['mac', '00:16:3e:00:00:02']]), ['vif', ['dom', id, 'id', 1]]);
    const rows = x.devices.sxprs('a', 'vif') as [number, Sxp[]][];
    assert.deepEqual(rows.map((r) => r[0]), ['0', '1']);
    assert.match(String(childValue(['x', ...rows[0]![1]], 'mac')), /^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$/);
    assert.throws(() => x.devices.create('a', ['vif', ['mac', '00:16:3E:00:00:02']]), { message: 'The mac "00:16:3E:00:00:02" is already defined' });
    assert.throws(() => x.devices.create('a', ['vif', ['mac', 'nope']]), { message: 'Cannot create a new virtual network interface - MAC address is not valid!' });
    x.devices.destroy('a', 'vif', '00:16:3e:00:00:02', false, true);
    assert.equal(devices('a').length, 1);
    assert.throws(() => x.devices.destroy('a', 'vif', 'aa:bb:cc:dd:ee:ff', false, true), { message: 'unknown devid aa:bb:cc:dd:ee:ff' });
    assert.throws(() => x.devices.destroy('a', 'vif', '7', false, true), { message: 'Device 7 not connected' });
  });

  test('a device change waits for a save or migration holding the domain', () => {
    x.domains.create(vm('a'));
    const release = x.domains.busy(x.domains.lookup('a'), 'saved', () => {});
    assert.throws(() => x.devices.create('a', ['vif']), XendError);
    release();
    x.devices.create('a', ['vif']);
  });
});
