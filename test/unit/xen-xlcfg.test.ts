import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diskSpec, vifSpec, xlConfig, XenConfigError, type XlConfigInput } from '../../src/hypervisor/xen/xlcfg.js';
import type { Sxp } from '../../src/sxp/types.js';
import { parseVmConfig, type VmConfig } from '../../src/vm/config.js';

const UUID = '11111111-2222-3333-4444-555555555555';

/** The settings in `top` read as xend reads them; the image and devices as given, for the backend's own checks; `config` overrides. */
function cfg(over: { image?: Sxp[]; devices?: Sxp[]; top?: Sxp[]; config?: Partial<VmConfig> } = {}, input: Partial<XlConfigInput> = {}): string {
  const image = over.image ?? ['linux', ['kernel', '/boot/vmlinuz'], ['ramdisk', '/boot/initrd.gz'], ['root', '/dev/xvda1'], ['args', 'console=hvc0 quiet']];
  const config: VmConfig = {
    ...parseVmConfig(['vm', ['name', 'g1'], ['uuid', UUID], ['memory', 128], ['vcpus', 2], ...(over.top ?? [])]),
    image: ['image', image],
    devices: (over.devices ?? []).map((d) => ['device', d]),
    ...over.config,
  };
  return xlConfig({ name: 'g1', uuid: UUID, memoryMiB: 128, maxmemMiB: 256, vcpus: 2, config, ...input });
}

describe('xl.cfg of a domain config', () => {
  test('a PV guest: kernel, ramdisk, root, extra, memory, vcpus; xl never acts on its shutdown', () => {
    assert.equal(
      cfg(),
      [
        'name = "g1"',
        `uuid = "${UUID}"`,
        'memory = 128',
        'maxmem = 256',
        'maxvcpus = 2',
        'vcpus = 2',
        'cpu_weight = 256',
        'cap = 0',
        'type = "pv"',
        'kernel = "/boot/vmlinuz"',
        'ramdisk = "/boot/initrd.gz"',
        'root = "/dev/xvda1"',
        'extra = "console=hvc0 quiet"',
        'on_poweroff = "preserve"',
        'on_reboot = "preserve"',
        'on_crash = "preserve"',
        '',
      ].join('\n'),
    );
  });
  test('vcpu_avail, cpus, weight and cap', () => {
    const text = cfg({ top: [['vcpu_avail', 1], ['cpus', ['0-1', '3']], ['cpu_weight', 512], ['cpu_cap', 50]] });
    assert.match(text, /^maxvcpus = 2\nvcpus = 1\ncpus = "0,1,3"\ncpu_weight = 512\ncap = 50$/m);
  });
  test('PVH with its tsc_mode, and HVM', () => {
    const pvh = cfg({ image: ['pvh', ['kernel', '/k'], ['tsc_mode', 'native']] });
    assert.match(pvh, /^type = "pvh"\nkernel = "\/k"\ntsc_mode = "native"$/m);
    const hvm = cfg({ image: ['hvm', ['kernel', '/usr/lib/xen/boot/hvmloader']] });
    assert.match(hvm, /^type = "hvm"$/m);
    assert.doesNotMatch(hvm, /kernel/);
  });
  test('disks and vifs', () => {
    const text = cfg({
      devices: [
        ['vbd', ['uname', 'phy:loop0'], ['dev', 'xvda'], ['mode', 'w']],
        ['vbd', ['uname', 'file:/var/img/a,b.iso'], ['dev', 'hdc:cdrom'], ['mode', 'r']],
        ['tap', ['uname', 'tap:qcow2:/img/q.qcow2'], ['dev', 'xvdb'], ['mode', 'w']],
        ['vif', ['mac', '00:16:3e:00:00:01'], ['bridge', 'xenbr0'], ['script', 'vif-bridge']],
        ['console'],
      ],
    });
    assert.match(
      text,
      /^disk = \[ "format=raw, vdev=xvda, access=rw, target=\/dev\/loop0", "format=raw, vdev=hdc, access=ro, devtype=cdrom, target=\/var\/img\/a,b.iso", "format=qcow2, vdev=xvdb, access=rw, target=\/img\/q.qcow2" \]$/m,
    );
    assert.match(text, /^vif = \[ "mac=00:16:3e:00:00:01,bridge=xenbr0,script=vif-bridge" \]$/m);
  });
});

describe('nothing a client sent escapes its string', () => {
  const refused = (f: () => unknown, re: RegExp) => assert.throws(f, (e: Error) => e instanceof XenConfigError && re.test(e.message));
  test('quotes, backslashes, newlines in any string', () => {
    refused(() => cfg({ image: ['linux', ['kernel', '/k'], ['args', 'a" \nkernel = "/evil']] }), /extra .*quote/);
    refused(() => cfg({ image: ['linux', ['kernel', '/k\\x']] }), /kernel/);
    refused(() => cfg({ image: ['linux', ['kernel', '/k'], ['root', 'a\nb']] }), /root/);
  });
  test('a relative or missing kernel, an unknown builder', () => {
    refused(() => cfg({ image: ['linux', ['kernel', 'vmlinuz']] }), /not absolute/);
    refused(() => cfg({ image: ['linux'] }), /no kernel/);
    refused(() => cfg({ image: ['netbsd', ['kernel', '/k']] }), /builder 'netbsd'/);
  });
  test('vif values that would add a key, odd disks, odd devices', () => {
    refused(() => vifSpec(['vif', ['bridge', 'br0,script=/tmp/x']]), /vif bridge/);
    refused(() => vifSpec(['vif', ['mac', 'zz']]), /vif mac/);
    refused(() => vifSpec(['vif', ['colo', 'x']]), /vif option colo/);
    refused(() => diskSpec(['vbd', ['uname', 'iscsi:x'], ['dev', 'xvda']]), /not supported/);
    refused(() => diskSpec(['vbd', ['uname', 'phy:/dev/sda'], ['dev', 'xvda, target=/etc/shadow']]), /virtual device/);
    refused(() => diskSpec(['vbd', ['uname', 'phy:/dev/sda'], ['dev', 'xvda'], ['mode', 'rw,x']]), /mode/);
    refused(() => cfg({ devices: [['pci', ['dev', '0000:00:01.0']]] }), /'pci' is not supported by the xen backend/);
    refused(() => cfg({ config: { cpus: [['0; evil' as unknown as number]] } }), /CPU list/);
    refused(() => cfg({ config: { cpuWeight: 1.5 } }), /cpu_weight/);
  });
  test('a name or uuid xl would misread', () => {
    refused(() => cfg({}, { name: 'a b' }), /domain name/);
    refused(() => cfg({}, { uuid: 'x' }), /not a UUID/);
  });
});
