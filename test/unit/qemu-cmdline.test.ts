import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuArgs, runPaths, type QemuArgsOptions } from '../../src/hypervisor/qemu/cmdline.js';
import { optionValue } from '../../src/hypervisor/qemu/values.js';
import type { Sxp } from '../../src/sxp/types.js';

const dir = mkdtempSync(join(tmpdir(), 'qemu-cmdline-'));
const kernel = join(dir, 'vmlinuz');
writeFileSync(kernel, 'k');
const commaDisk = join(dir, 'd,isk.img');
writeFileSync(commaDisk, 'd');

function args(devices: Sxp[][] = [], over: Partial<QemuArgsOptions> = {}, image: Sxp[] = []): string[] {
  const config = { image: ['image', ['linux', ['kernel', kernel], ...image]], devices: devices.map((d) => ['device', d]) };
  return qemuArgs({ name: 'g', maxmemMiB: 128, vcpus: 1, config, accel: 'tcg', run: runPaths(join(dir, 'run')), incoming: false, sandbox: true, runas: null, ...over });
}

/** The value following each occurrence of `flag`. */
const values = (a: string[], flag: string) => a.flatMap((v, i) => (v === flag ? [a[i + 1]!] : []));

describe('QEMU command line: values from the domain config', () => {
  test('a bridge name that climbs out of /sys/class/net with an injected helper is refused', () => {
    assert.throws(() => args([['vif', ['bridge', '../../../tmp/d,helper=/tmp/d/evil.sh']]]), /vif bridge "\.\.\/\.\.\/\.\.\/tmp\/d,helper=\/tmp\/d\/evil\.sh" is not a network interface name/);
    for (const bad of ['..', '.', 'a/b', 'br0,helper=x', 'br 0', 'abcdefghijklmnop', 'br\0']) assert.throws(() => args([['vif', ['bridge', bad]]]), /is not a network interface name/, bad);
  });

  test('a mac with an injected romfile is refused; a real one is passed on', () => {
    assert.throws(() => args([['vif', ['mac', '52:54:00:12:34:56,romfile=/etc/shadow']]]), /vif mac "52:54:00:12:34:56,romfile=\/etc\/shadow" is not a MAC address/);
    for (const bad of ['52:54:00:12:34', '52:54:00:12:34:5g', '52-54-00-12-34-56', '52:54:00:12:34:56:']) assert.throws(() => args([['vif', ['mac', bad]]]), /is not a MAC address/, bad);
    assert.deepEqual(values(args([['vif', ['mac', '52:54:00:AB:cd:01']]]), '-device').at(-1), 'virtio-net-pci,netdev=net0,mac=52:54:00:AB:cd:01,id=vif-525400abcd01');
  });

  test('user-mode networking is restricted: the guest gets no path to the host (10.0.2.2 is the host loopback)', () => {
    const a = args([['vif'], ['vif', ['bridge', 'nosuchbr0']]]);
    assert.deepEqual(values(a, '-netdev'), ['user,id=net0,restrict=on', 'user,id=net1,restrict=on']);
  });

  test('a disk path with a comma is a JSON string in -blockdev, never parsed as options', () => {
    const a = args([['vbd', ['uname', `file:${commaDisk}`], ['dev', 'xvda'], ['mode', 'r']]]);
    const [blockdev] = values(a, '-blockdev');
    assert.deepEqual(JSON.parse(blockdev!), { driver: 'raw', 'node-name': 'disk0', 'read-only': true, file: { driver: 'file', filename: commaDisk, 'read-only': true } });
    assert.deepEqual(values(a, '-device').at(-1), 'virtio-blk-pci,drive=disk0,id=vbd-51712');
    assert.equal(values(a, '-drive').length, 0);
  });

  test("a CD-ROM drive is an IDE drive where its name puts it, its id xend's device number; an empty one has no media", () => {
    const a = args([['vbd', ['uname', `file:${commaDisk}`], ['dev', 'hdc:cdrom'], ['mode', 'r']], ['vbd', ['uname', ''], ['dev', 'hdd:cdrom'], ['mode', 'r']]]);
    assert.deepEqual(values(a, '-device').slice(-2), ['ide-cd,bus=ide.1,unit=0,id=vbd-5632,drive=disk0', 'ide-cd,bus=ide.1,unit=1,id=vbd-5696']);
    assert.equal(values(a, '-blockdev').length, 1);
    assert.throws(() => args([['vbd', ['uname', ''], ['dev', 'xvdc:cdrom']]]), /CD-ROM drive 'xvdc:cdrom' is not supported by the qemu backend \(hda to hdd only\)/);
  });

  test('disk paths with a NUL and over-long ones are refused', () => {
    assert.throws(() => args([['vbd', ['uname', 'file:/tmp/a\0b'], ['dev', 'xvda']]]), /disk path contains a NUL/);
    assert.throws(() => args([['vbd', ['uname', `file:/${'a'.repeat(5000)}`], ['dev', 'xvda']]]), /disk path is longer than 4096/);
  });

  test('kernel and ramdisk paths: absolute, no comma (a multiboot kernel splits -initrd on commas)', () => {
    const commaKernel = join(dir, 'k,ernel');
    writeFileSync(commaKernel, 'k');
    assert.throws(() => args([], {}, [['ramdisk', `${kernel},${commaDisk}`]]), /ramdisk path ".*" contains ',', which QEMU would split/);
    assert.throws(() => args([], { config: { image: ['image', ['linux', ['kernel', commaKernel]]], devices: [] } }), /kernel path ".*" contains ','/);
    assert.throws(() => args([], { config: { image: ['image', ['linux', ['kernel', 'vmlinuz']]], devices: [] } }), /kernel path "vmlinuz" is not absolute/);
  });

  test('the name and the run paths are escaped in their options; the kernel command line is passed whole', () => {
    const run = join(dir, 'r,un');
    mkdirSync(run, { recursive: true });
    const a = args([], { name: 'g,process=x', run: runPaths(run) }, [['args', 'quiet,x=1 y']]);
    assert.deepEqual(values(a, '-name'), ['g,,process=x']);
    assert.deepEqual(values(a, '-qmp'), [`unix:${join(dir, 'r,,un')}/qmp.sock,server=on,wait=off`]);
    assert.deepEqual(values(a, '-chardev'), [`socket,id=c0,path=${join(dir, 'r,,un')}/console.sock,server=on,wait=off`]);
    assert.deepEqual(values(a, '-append'), ['quiet,x=1 y console=ttyS0 panic=-1']);
    assert.equal(optionValue('a,,b'), 'a,,,,b');
  });

  test('the console is not logged to a file by QEMU (it would grow without bound)', () => {
    assert.ok(!args().some((v) => v.includes('logfile')));
  });

  test('seccomp when QEMU has it; -runas when a QEMU user is configured; QEMU daemonizes', () => {
    const a = args([], { runas: 'xen-qemu' });
    assert.deepEqual(values(a, '-sandbox'), ['on,obsolete=deny,resourcecontrol=deny']);
    assert.deepEqual(values(a, '-runas'), ['xen-qemu']);
    assert.ok(a.includes('-daemonize'));
    const b = args([], { sandbox: false });
    assert.deepEqual([values(b, '-sandbox'), values(b, '-runas')], [[], []]);
  });
});

describe('QEMU command line: a vfb with vnc=1 is a VNC server', () => {
  test('on vnclisten (127.0.0.1 by default), from vncdisplay up to a free display unless vncunused=0, with a password if one is set', () => {
    assert.deepEqual(values(args([['vkbd'], ['vfb', ['vnc', '1']]]), '-vnc'), ['127.0.0.1:0,to=99']);
    assert.deepEqual(values(args([['vfb', ['vnc', '1'], ['vnclisten', '0.0.0.0'], ['vncdisplay', '3'], ['vncunused', '0'], ['vncpasswd', 'x']]]), '-vnc'), ['0.0.0.0:3,password=on']);
    assert.deepEqual(values(args([['vfb', ['vnc', '1'], ['vnclisten', '::1']]]), '-vnc'), ['[::1]:0,to=99']);
    assert.deepEqual(values(args([['vfb', ['vnc', '1']]]), '-vga'), ['std']);
    assert.deepEqual(values(args([['vfb', ['vnc', '0']]]), '-vnc'), []);
  });

  test('what cannot reach QEMU safely or that it cannot do is refused', () => {
    for (const bad of ['127.0.0.1,password=off', 'a b', '-x', 'unix:/tmp/s', '']) assert.throws(() => args([['vfb', ['vnc', '1'], ['vnclisten', bad]]]), /vfb vnclisten ".*" is not an address to listen on/, bad);
    for (const bad of ['-1', '100', 'x', '1.5']) assert.throws(() => args([['vfb', ['vnc', '1'], ['vncdisplay', bad]]]), /is not a display number \(0-99\)/, bad);
    assert.throws(() => args([['vfb', ['sdl', '1']]]), /vfb sdl=1 is not supported by the qemu backend/);
  });
});
