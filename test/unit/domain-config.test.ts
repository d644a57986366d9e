import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_VARIABLES,
  DomainConfigError,
  checkImagePaths,
  defaultValues,
  findConfigFile,
  loadDomainConfig,
  makeConfig,
  type DomainConfigInput,
} from '../../src/config/domain-config.js';
import { PythonUnsupportedError, toPlain, type PyValue } from '../../src/config/python/index.js';
import { Py2KeyOrder } from '../../src/py2-dict-order.js';
import type { Sxp } from '../../src/sxp/types.js';
import { show as sxpShow } from '../../src/sxp/index.js';
import { NEEDS_EXAMPLES, XEN_EXAMPLES, exampleFiles, readExample } from '../helpers/examples.js';

const EXAMPLE_FILES = exampleFiles((f) => f.startsWith('xmexample'));
const ENV = { HOME: '/root' };

function load(source: string, extra: Partial<DomainConfigInput> = {}) {
  return loadDomainConfig({ file: './test.cfg', source, env: ENV, make: { cwd: '/etc/xen' }, ...extra });
}

/** The project's own config for a family of numbered guests (xm_vars, vmid arithmetic, % formatting, disk lists). */
const NUMBERED = fileURLToPath(new URL('../../../test/fixtures/numbered-guest.cfg', import.meta.url));

function loadExample(file: string) {
  return loadFile(file, readExample(file));
}

function loadFile(file: string, source: string, vmid = '3') {
  return loadDomainConfig({ file, source, cmdVars: { vmid }, env: ENV, make: { cwd: '/etc/xen' } });
}

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainConfigError) return e.message;
    throw e;
  }
  assert.fail('expected a DomainConfigError');
}

/** SXP as one line, as sxp.show would print it (strings with spaces quoted). */
function show(s: Sxp): string {
  if (Array.isArray(s)) return `(${s.map(show).join(' ')})`;
  if (typeof s === 'string') return s === '' || /[\s()']/.test(s) ? `'${s}'` : s;
  return String(s);
}

/** The entries of the (vm …) list whose head is `key`. */
function children(sxp: Sxp, key: string): Sxp[] {
  return (sxp as Sxp[]).filter((c) => Array.isArray(c) && c[0] === key);
}

// ---------------------------------------------------------------- real Pythons as oracles

/** Runs an example the way xm's opts.load() does; prints its str/list/int/float variables as JSON. */
const HARNESS = `
import json, sys, os, os.path, re

class Vars:
    def __init__(self, env):
        self.env = env
        self.vars = []
    def var(self, name, use=None, check=None):
        self.vars.append((name, check))
    def check(self):
        for name, check in self.vars:
            if check:
                self.env[name] = check(name, self.env.get(name))

path = sys.argv[1]
cmdvars = dict((str(k), str(v)) for k, v in json.loads(sys.argv[2]).items())
globs, locs = {}, dict(cmdvars)
exec("import sys\\nimport os\\nimport os.path\\nimport re", globs, locs)
locs.update(xm_file=path, xm_help=0, xm_vars=Vars(locs))
preloaded = set(locs) - set(cmdvars)
exec(compile(open(path).read(), path, "exec"), globs, locs)
print(json.dumps(dict((k, [type(v).__name__, v]) for k, v in locs.items()
                      if k not in preloaded and type(v) in (str, list, int, float))))
`;

/** xm itself ran on Python 2.7; use one when the machine has it (pyenv keeps one here). */
function findPython2(): string | null {
  const versions = join(homedir(), '.pyenv', 'versions');
  const candidates = [
    process.env.PYTHON2,
    ...(existsSync(versions) ? readdirSync(versions).filter((v) => v.startsWith('2.7')).map((v) => join(versions, v, 'bin', 'python2.7')) : []),
    'python2.7',
  ];
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, ['-c', 'import sys; sys.exit(sys.version_info[0] != 2)'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // not there, or not a Python 2
    }
  }
  return null;
}

const PYTHON2 = findPython2();
const ORACLES: [label: string, executable: string | null][] = [
  ['python3', 'python3'],
  ['python2.7', PYTHON2],
];

function oracleValues(python: string, path: string, cmdVars: Record<string, string>): Record<string, [string, unknown]> {
  const out = execFileSync(python, ['-c', HARNESS, path, JSON.stringify(cmdVars)], { encoding: 'utf8' });
  return JSON.parse(out) as Record<string, [string, unknown]>;
}

function pyTypeOf(v: PyValue): string {
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  return Array.isArray(v) ? 'list' : 'other';
}

test('the examples directory holds the real xmexample files', { skip: NEEDS_EXAMPLES }, () => {
  assert.ok(EXAMPLE_FILES.length >= 14, EXAMPLE_FILES.join(' '));
});

/** Our evaluation of a config file agrees, variable by variable and type by type, with a real Python's. */
function matchesOracle(python: string, path: string, values: Map<string, PyValue>): void {
  const expected = oracleValues(python, path, { vmid: '3' });
  assert.ok(Object.keys(expected).length > 3);
  for (const [name, [type, value]] of Object.entries(expected)) {
    const ours = values.get(name);
    assert.ok(ours !== undefined, `${name} missing`);
    assert.equal(pyTypeOf(ours), type, `type of ${name}`);
    assert.deepEqual(toPlain(ours), value, name);
  }
}

for (const [label, python] of ORACLES) {
  const skip = python ? false : `${label} not found`;
  test(`numbered-guest.cfg (ours): the script's variables match ${label} running it`, { skip }, () => {
    matchesOracle(python!, NUMBERED, loadFile(NUMBERED, readFileSync(NUMBERED, 'utf8')).values);
  });
  for (const file of EXAMPLE_FILES) {
    test(`${file}: the script's variables match ${label} running it`, { skip }, () => {
      matchesOracle(python!, join(XEN_EXAMPLES!, file), loadExample(file).values);
    });
  }
}

test('the Python 2 dict order of vif, vfb and pci keys matches python2.7', { skip: PYTHON2 ? false : 'python2.7 not found' }, () => {
  const words = ['backend', 'bridge', 'ip', 'mac', 'script', 'type', 'vifname', 'rate', 'model', 'accel', 'policy', 'label',
    'vnclisten', 'vncunused', 'vncdisplay', 'display', 'videoram', 'xauthority', 'sdl', 'vnc', 'vncpasswd', 'opengl',
    'keymap', 'serial', 'monitor', 'domain', 'bus', 'slot', 'func', 'vdevfn', 'key', 'opts'];
  // Deterministic key sets of 1 to 24 keys, in varying insertion orders, some with a deletion.
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const cases = Array.from({ length: 40 }, (_, i) => {
    const keys = [...words].sort(() => random() - 0.5).slice(0, 1 + (i % 24));
    return { keys, remove: i % 3 === 0 ? keys[Math.floor(random() * keys.length)]! : null };
  });
  const script = [
    'import json, sys',
    'out = []',
    'for case in json.loads(sys.argv[1]):',
    '    d = {}',
    "    for k in case['keys']: d[str(k)] = 1",
    "    if case['remove']: del d[str(case['remove'])]",
    '    out.append(d.keys())',
    'print(json.dumps(out))',
  ].join('\n');
  const expected = JSON.parse(execFileSync(PYTHON2!, ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' })) as string[][];
  cases.forEach(({ keys, remove }, i) => {
    const order = new Py2KeyOrder(keys);
    if (remove) order.delete(remove);
    assert.deepEqual(order.keys(), expected[i], keys.join(','));
  });
});

// ---------------------------------------------------------------- SXP of every example

const COMMON_HEAD = '(on_xend_start ignore) (on_xend_stop ignore)';
const PV_TAIL = '(videoram 4)';
const HVM_KEYS = (o: { serial?: string; boot?: string; dm: string; opengl?: boolean; sdl: number; vnc: number; stdvga: number }) =>
  [
    `(acpi 1) (apic 1) (boot ${o.boot ?? 'c'}) (cpuid ()) (cpuid_check ()) (device_model ${o.dm}) (fda '') (fdb '')`,
    "(guest_os_type default) (hap 1) (hpet 0) (isa 0) (keymap '') (localtime 0) (nestedhvm 0) (nographic 0)",
    `${o.opengl ? '(opengl 1) ' : ''}(oos 1) (pae 1) (pci ()) (pci_msitranslate 1) (pci_power_mgmt 0) (rtc_timeoffset 0)`,
    `(sdl ${o.sdl}) (soundhw '') (stdvga ${o.stdvga}) (timer_mode 1) (usb 0) (usbdevice '') (vcpus 1) (vnc ${o.vnc})`,
    "(vncunused 1) (viridian 0) (vpt_align 1) (xauthority /root/.Xauthority) (xen_platform_pci 1) (memory_sharing 0) (vncpasswd '')",
  ].join(' ');

const EXPECTED_SXP: Record<string, string> = {
  xmexample1:
    `(vm (name ExampleDomain) (memory 64) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.10-xenU) ` +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args 4) (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:hda1) (dev hda1) (mode w))) (device (vif)))',
  'xmexample1.3.0.0':
    `(vm (name ExampleDomain) (memory 64) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.10-xenU) ` +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args 4) (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:hda1) (dev hda1) (mode w))))',
  xmexample2:
    `(vm (name VM3) (memory 64) ${COMMON_HEAD} (vcpus 4) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.10-xenU) ` +
    `(root '/dev/sda1 ro') ${PV_TAIL} (args '4 VMID=3 usr=/dev/sda6') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:sda10) (dev sda1) (mode w))) (device (vbd (uname phy:sda6) (dev sda6) (mode r))) (device (vif)))',
  'xmexample2.3.0.0':
    `(vm (name VM3) (memory 64) ${COMMON_HEAD} (vcpus 4) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.10-xenU) ` +
    `(root '/dev/sda1 ro') ${PV_TAIL} (args '4 VMID=3 usr=/dev/sda6') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:sda10) (dev sda1) (mode w))) (device (vbd (uname phy:sda6) (dev sda6) (mode r))))',
  xmexample3:
    `(vm (name VM3) (memory 64) ${COMMON_HEAD} (vcpus 1) (cpus 3) (oos 1) (image (linux (kernel /path/to/domU/kernel) ` +
    '(ip 192.168.3.2:127.0.255.255:192.168.3.1:255.255.255.0:domain-3.xeno:eth0:off) ' +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args '4 VMID=3') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:hda3) (dev hda1) (mode w))) (device (vif (ip 192.168.3.1/24))))',
  'xmexample3.3.0.0':
    `(vm (name VM3) (memory 64) ${COMMON_HEAD} (vcpus 1) (cpus 3) (oos 1) (image (linux (kernel /path/to/domU/kernel) ` +
    '(ip 192.168.3.2:127.0.255.255:192.168.3.1:255.255.255.0:domain-3.xeno:eth0:off) ' +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args '4 VMID=3') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:hda3) (dev hda1) (mode w))) (device (vif (ip 192.168.3.1/24))))',
  'xmexample.nbd':
    `(vm (name nbd4) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.13-15b-xen) ` +
    '(ramdisk /boot/initrd-2.6.13-15b-xen) (ip :127.0.255.255:::nbd4:eth0:dhcp) ' +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args 3) (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    "(device (vbd (uname 'nbd:134.100.233.115 20004') (dev hda1) (mode w))) (device (vif)))",
  'xmexample.nbd.3.0.0':
    `(vm (name nbd4) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (linux (kernel /boot/vmlinuz-2.6.13-15b-xen) ` +
    '(ramdisk /boot/initrd-2.6.13-15b-xen) (ip :127.0.255.255:::nbd4:eth0:dhcp) ' +
    `(root '/dev/hda1 ro') ${PV_TAIL} (args 3) (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    "(device (vbd (uname 'nbd:134.100.233.115 20004') (dev hda1) (mode w))) (device (vif (bridge xenbr0) (mac aa:cc:10:10:00:a0))))",
  'xmexample.pv-grub':
    `(vm (name ExampleDomain) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (linux (kernel /etc/xen/pv-grub.gz) ` +
    `${PV_TAIL} (args '(hd0,0)/boot/grub/menu.lst') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname phy:hda1) (dev hda1) (mode w))) (device (vif)))',
  'xmexample.hvm':
    `(vm (name ExampleHVMDomain) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (hvm (kernel hvmloader) ${PV_TAIL} (serial pty) ` +
    `${HVM_KEYS({ dm: 'qemu-dm', opengl: true, sdl: 0, vnc: 1, stdvga: 0 })} (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    "(device (vbd (uname file:/var/images/min-el3-i386.img) (dev hda) (mode w))) (device (vbd (uname '') (dev hdc:cdrom) (mode r))) " +
    '(device (vif (bridge xenbr0) (type ioemu))))',
  'xmexample.hvm-stubdom':
    `(vm (name xmexample.hvm) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (hvm (kernel hvmloader) ${PV_TAIL} ` +
    `${HVM_KEYS({ boot: 'cda', dm: 'stubdom-dm', opengl: true, sdl: 0, vnc: 1, stdvga: 0 })} (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    '(device (vbd (uname file:/var/images/min-el3-i386.img) (dev hda) (mode w))) (device (vbd (uname phy:/dev/cdrom) (dev hdc:cdrom) (mode r))) ' +
    '(device (vif (bridge xenbr0) (type ioemu))))',
  'xmexample.vti':
    `(vm (name ExampleVTIDomain) (memory 256) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (hvm (kernel /etc/xen/guest_firmware.bin) ${PV_TAIL} (serial pty) ` +
    `${HVM_KEYS({ dm: '/usr/lib/xen/bin/qemu-dm', sdl: 1, vnc: 0, stdvga: 0 })} (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
    "(device (vbd (uname file:/var/images/xenia64.img) (dev hda) (mode w))) (device (vbd (uname '') (dev hdc:cdrom) (mode r))) " +
    '(device (vif (bridge xenbr0) (type ioemu))))',
  // 3.0 used builder 'vmx', which 4.4 passes through without the HVM keys.
  'xmexample.vmx.3.0.0':
    `(vm (name ExampleVMXDomain) (memory 128) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (vmx (kernel /usr/lib/xen/boot/vmxloader) ${PV_TAIL} ` +
    '(tsc_mode 0) (nomigrate 0))) (s3_integrity 1) (device (vbd (uname file:/var/images/min-el3-i386.img) (dev ioemu:hda) (mode w))) ' +
    '(device (vif (bridge xenbr0) (type ioemu))))',
  'xmexample.vti.3.0.0':
    `(vm (name ExampleVMXDomain) (memory 256) ${COMMON_HEAD} (vcpus 1) (oos 1) (image (vmx (kernel /boot/Flash.fd) ${PV_TAIL} ` +
    '(tsc_mode 0) (nomigrate 0))) (s3_integrity 1) (device (vbd (uname file:/var/images/xenia64.img) (dev ioemu:hda) (mode w))))',
};

for (const file of EXAMPLE_FILES) {
  test(`${file}: make_config builds the expected SXP`, () => {
    const expected = EXPECTED_SXP[file];
    assert.ok(expected, `no expectation written for ${file}`);
    assert.equal(show(loadExample(file).sxp), expected);
  });
}

test('xmexample2 and xmexample3 need vmid: name, disks and kernel args follow it', { skip: NEEDS_EXAMPLES }, () => {
  const two = loadExample('xmexample2');
  assert.equal(two.values.get('name'), 'VM3');
  assert.deepEqual(two.values.get('disk'), ['phy:sda10,sda1,w', 'phy:sda6,sda6,r']);
  assert.equal(two.values.get('vmid'), 3n);
  const three = loadExample('xmexample3');
  assert.deepEqual(three.values.get('vif'), ['ip=192.168.3.1/24']);
  assert.equal(three.values.get('hostname'), 'domain-3.xeno');

  const source = readExample('xmexample2');
  // opts.py's Var.doCheck prefixed the variable's name.
  assert.equal(configError(() => load(source)), "vmid - int() argument must be a string or a number, not 'NoneType'");
  assert.equal(configError(() => load(source, { cmdVars: { vmid: '0' } })), 'vmid - ');
  assert.equal(configError(() => load(source, { cmdVars: { vmid: 'x' } })), "vmid - invalid literal for int() with base 10: 'x'");
});

test('numbered-guest.cfg (ours): vmid is checked by its function, and name, memory, disks, mac and args follow it', () => {
  const source = readFileSync(NUMBERED, 'utf8');
  const seven = loadFile(NUMBERED, source, '7');
  assert.equal(
    show(seven.sxp),
    `(vm (name web07) (memory 192) ${COMMON_HEAD} (vcpus 2) (oos 1) (image (linux (kernel /boot/vmlinuz-xen) ` +
      `(root '/dev/xvda1 ro') ${PV_TAIL} (args 'console=hvc0 guest=7 tier=back') (tsc_mode 0) (nomigrate 0))) (s3_integrity 1) ` +
      '(device (vbd (uname file:/var/lib/xen/images/web07.img) (dev xvda1) (mode w))) ' +
      '(device (vbd (uname file:/var/lib/xen/images/content.img) (dev xvdb1) (mode r))) ' +
      '(device (vif (bridge xenbr0) (mac 00:16:3e:00:01:07))))',
  );
  assert.equal(loadFile(NUMBERED, source, '12').values.get('memory'), 128n);
  assert.equal(loadFile(NUMBERED, source, '12').values.get('extra'), 'console=hvc0 guest=12 tier=front');
  assert.equal(configError(() => load(source)), "vmid - int() argument must be a string or a number, not 'NoneType'");
  assert.equal(configError(() => load(source, { cmdVars: { vmid: '100' } })), 'vmid - a guest number from 1 to 99');
  assert.equal(configError(() => load(source, { cmdVars: { vmid: 'x' } })), "vmid - invalid literal for int() with base 10: 'x'");
});

test('the nics option of the 3.0 examples gives the deprecation warnings', { skip: NEEDS_EXAMPLES }, () => {
  assert.deepEqual(loadExample('xmexample.nbd.3.0.0').warnings, [
    "Warning: The nics option is deprecated.  Please use an empty vif entry instead:\n\n  vif = [ '' ]\n",
  ]);
  assert.deepEqual(loadExample('xmexample.vti.3.0.0').warnings, ['Warning: The nics option is deprecated.  Please remove it.']);
  assert.equal(loadExample('xmexample1').warnings.length, 0);
});

test('a misspelt variable is ignored, as xm did, with a warning naming the line and the variable meant', () => {
  const r = load('name = "web"\nmemroy = 256\nvpcus = 2\n');
  assert.equal(r.values.get('memory'), 128n);
  assert.deepEqual(r.warnings, [
    'Warning: ./test.cfg:2: memroy is not a config variable and is ignored; did you mean memory?',
    'Warning: ./test.cfg:3: vpcus is not a config variable and is ignored; did you mean vcpus?',
  ]);
  // Names the file reads itself, names far from any variable, functions and modules: no warning.
  assert.deepEqual(load('memroy = 256\nmemory = memroy\ngold = 1\ndef disks(): return []\nimport os.path\n').warnings, []);
  assert.equal(load('memroy = 256\nmemory = memroy\n').values.get('memory'), 256n);
});

test('the real example configs give no misspelling warnings', { skip: NEEDS_EXAMPLES }, () => {
  for (const file of EXAMPLE_FILES) {
    const warnings = loadExample(file).warnings.filter((w) => w.includes('is not a config variable'));
    assert.deepEqual(warnings, [], file);
  }
});

test('nics pads the vif list with empty entries', () => {
  const padded = load('nics = 2\nvif = ["bridge=br1"]');
  assert.equal(children(padded.sxp, 'device').map(show).join(' '), '(device (vif (bridge br1))) (device (vif))');
});

// ---------------------------------------------------------------- the dry-run example of §4

test('the guest1.cfg dry-run example of the reference', () => {
  const source = [
    'kernel="/boot/vmlinuz-2.6.18-xen"',
    'ramdisk="/boot/initrd-2.6.18-xen.img"',
    'memory=256',
    'name="guest1"',
    'vcpus=1',
    "vif=['mac=00:16:3e:00:00:01, bridge=xenbr0']",
    "disk=['phy:/dev/vg0/guest1,xvda1,w']",
    'root="/dev/xvda1 ro"',
    'extra="console=hvc0"',
    "on_reboot='restart'",
  ].join('\n');
  const { sxp, warnings } = loadDomainConfig({ file: './guest1.cfg', source, env: {} });
  assert.deepEqual(sxp, [
    'vm',
    ['name', 'guest1'],
    ['memory', 256],
    ['on_reboot', 'restart'],
    ['on_xend_start', 'ignore'],
    ['on_xend_stop', 'ignore'],
    ['vcpus', 1],
    ['oos', 1],
    [
      'image',
      [
        'linux',
        ['kernel', '/boot/vmlinuz-2.6.18-xen'],
        ['ramdisk', '/boot/initrd-2.6.18-xen.img'],
        ['root', '/dev/xvda1 ro'],
        ['videoram', 4],
        ['args', 'console=hvc0'],
        ['tsc_mode', 0],
        ['nomigrate', 0],
      ],
    ],
    ['s3_integrity', 1],
    ['device', ['vbd', ['uname', 'phy:/dev/vg0/guest1'], ['dev', 'xvda1'], ['mode', 'w']]],
    ['device', ['vif', ['bridge', 'xenbr0'], ['mac', '00:16:3e:00:00:01']]],
  ]);
  assert.deepEqual(warnings, []);
});

// ---------------------------------------------------------------- variables and VAR=VAL

test('the variable table has the 4.4 defaults', () => {
  const values = defaultValues({ DISPLAY: ':0', HOME: '/home/u' });
  assert.deepEqual(
    ['memory', 'vcpus', 'builder', 'ramdisk', 'interface', 'dhcp', 'nics', 'videoram', 'boot', 'on_xend_start', 'vncunused', 'name', 'kernel'].map((n) => values.get(n)),
    [128n, 1n, 'linux', '', 'eth0', 'off', -1n, 4n, 'c', 'ignore', 1n, null, null],
  );
  assert.deepEqual(values.get('disk'), []);
  assert.equal(values.get('display'), ':0');
  assert.equal(values.get('xauthority'), '/home/u/.Xauthority');
  assert.equal(defaultValues({ XAUTHORITY: '/x/auth' }).get('xauthority'), '/x/auth');
  assert.equal(new Set(CONFIG_VARIABLES.map((c) => c.name)).size, CONFIG_VARIABLES.length);
});

test('VAR=VAL: known variables are converted and win over the script; unknown ones reach it as strings', () => {
  const source = 'memory = 64\nname = "from-script-%s" % flavour\ndisk = ["phy:a,b,w"]';
  const { values, sxp } = load(source, { cmdVars: { memory: '512', flavour: 'blue', disk: ['phy:x,xvda,w', 'phy:y,xvdb,r'], localtime: 'yes' } });
  assert.equal(values.get('memory'), 512n);
  assert.equal(values.get('name'), 'from-script-blue');
  assert.equal(values.get('flavour'), 'blue');
  assert.deepEqual(values.get('disk'), ['phy:x,xvda,w', 'phy:y,xvdb,r']);
  assert.equal(values.get('localtime'), 1n);
  assert.deepEqual(children(sxp, 'memory'), [['memory', 512]]);
  assert.deepEqual(children(sxp, 'localtime'), [['localtime', 1]]);

  assert.equal(configError(() => load('', { cmdVars: { memory: 'lots' } })), 'Invalid value: lots');
  assert.equal(configError(() => load('', { cmdVars: { localtime: 'maybe' } })), 'Invalid value:maybe');
  assert.equal(load('', { cmdVars: { isa: 'n', vcpus: ' 2 ' } }).values.get('vcpus'), 2n);
});

test('script variables: str/list/int/float are copied (even unknown names), bool/None/tuple/long are not', () => {
  const source = 'maxvcpus = 4\nvcpus = 2\nacpi = True\nuuid = None\ncpus = ("0", "1")\nweight = 2.5\nhuge = 2 ** 70\nnote = "x"';
  const { values, sxp } = load(source);
  assert.equal(values.get('maxvcpus'), 4n);
  assert.equal(values.get('acpi'), 1n, 'a bool from the script is ignored');
  assert.equal(values.get('cpus'), null, 'a tuple from the script is ignored');
  assert.equal(values.get('weight'), 2.5);
  assert.equal(values.has('huge'), false);
  assert.equal(values.get('note'), 'x');
  assert.deepEqual([...children(sxp, 'vcpu_avail'), ...children(sxp, 'vcpus')], [['vcpu_avail', 3], ['vcpus', 4]]);
  assert.deepEqual(children(load('maxvcpus = 3\nvcpus = 0').sxp, 'vcpus'), [['vcpus', 3]]);
});

test('the domain name defaults to the basename of the config file', () => {
  assert.equal(loadDomainConfig({ file: '/etc/xen/web01', source: 'memory = 64', env: {} }).values.get('name'), 'web01');
  assert.equal(loadDomainConfig({ file: './guest1.cfg', source: 'name = ""', env: {} }).values.get('name'), 'guest1.cfg');
});

test('script errors become xm messages; unsupported Python is passed on for a real interpreter', () => {
  assert.equal(
    configError(() => loadDomainConfig({ file: './bad.cfg', source: 'memory = 64\nname = = "x"\n', env: {} })),
    'Errors were found at line 2 while processing ./bad.cfg:\n\tname = = "x"\n\tinvalid syntax\n',
  );
  // xm's two lines, then what is wrong: an unterminated string, a bracket left open (where it opened).
  const syntax = (source: string) => configError(() => loadDomainConfig({ file: './bad.cfg', source, env: {} })).split('\n').slice(1, -1);
  assert.deepEqual(syntax('name = "web\nmemory = 64\n'), ['\tname = "web', '\tEOL while scanning string literal']);
  assert.deepEqual(syntax('disk = ["phy:/dev/vg/a,xvda,w",\n  "phy:/dev/vg/b,xvdb,w"\nmemory = 64\n'), [
    '\tmemory = 64',
    "\tunexpected EOF while parsing: the '[' opened at line 1 is not closed",
  ]);
  assert.deepEqual(syntax('vif = ["bridge=br0",\n  mac = "00:16:3e:00:00:01"]\n'), [
    '\t  mac = "00:16:3e:00:00:01"]',
    "\tinvalid syntax: the '[' opened at line 1 is not closed",
  ]);
  assert.equal(configError(() => load('memory = undefined_thing')), "name 'undefined_thing' is not defined");
  assert.equal(configError(() => load('raise ValueError("no such image")')), 'no such image');
  assert.throws(() => load('class Config:\n    pass'), PythonUnsupportedError);
});

// ---------------------------------------------------------------- make_config details

test('disks: 3 to 5 fields, tap classes, backend and protocol', () => {
  const { sxp } = load("disk = ['tap:aio:/img,xvda,w', 'tap2:vhd:/v,xvdb,r,dom1', 'phy:/dev/sdb,xvdc,w,,x86_64-abi', 'file:/f,hda,w!']");
  assert.equal(
    children(sxp, 'device').map(show).join('\n'),
    [
      '(device (tap (uname tap:aio:/img) (dev xvda) (mode w)))',
      '(device (tap2 (uname tap2:vhd:/v) (dev xvdb) (mode r) (backend dom1)))',
      '(device (vbd (uname phy:/dev/sdb) (dev xvdc) (mode w) (protocol x86_64-abi)))',
      '(device (vbd (uname file:/f) (dev hda) (mode w!)))',
    ].join('\n'),
  );
  assert.equal(configError(() => load("disk = ['phy:sda1,sda1']")), 'Invalid disk specifier: phy:sda1,sda1');
  assert.equal(configError(() => load("disk = ['a,b,c,d,e,f']")), 'Invalid disk specifier: a,b,c,d,e,f');
  assert.equal(configError(() => load('disk = [1]')), "'int' object has no attribute 'split'");
});

test('vif: k=v pairs in Python 2 dict order, empty string, invalid options', () => {
  const { sxp } = load("vif = ['', 'mac=00:16:3e:00:00:11, bridge=xenbr0, vifname=web, rate=10Mb/s', 'type=ioemu,model=e1000']");
  assert.equal(
    children(sxp, 'device').map(show).join('\n'),
    [
      '(device (vif))',
      '(device (vif (bridge xenbr0) (mac 00:16:3e:00:00:11) (vifname web) (rate 10Mb/s)))',
      '(device (vif (model e1000) (type ioemu)))',
    ].join('\n'),
  );
  assert.equal(configError(() => load("vif = ['mac=1, colour=red']")), 'Invalid vif option: colour');
  assert.equal(configError(() => load("vif = ['bridge']")), 'bridge should be a pair, separated by an equals sign.');
  assert.equal(configError(() => load("vif2 = ['speed=1']")), 'Invalid vif2 option: speed');
});

test('vfb: options, the legacy type= form, keymap, display and xauthority', () => {
  const env = { DISPLAY: ':1', XAUTHORITY: '/x/.Xauthority' };
  const { sxp } = loadDomainConfig({ file: 'f', source: "keymap = 'de'\nvfb = ['vnc=1,vnclisten=0.0.0.0', 'type=sdl']", env });
  assert.equal(
    children(sxp, 'device').map(show).join('\n'),
    [
      '(device (vkbd))',
      '(device (vfb (vnclisten 0.0.0.0) (vnc 1) (keymap de) (display :1) (xauthority /x/.Xauthority)))',
      '(device (vkbd))',
      '(device (vfb (sdl 1) (keymap de) (display :1) (xauthority /x/.Xauthority)))',
    ].join('\n'),
  );
  assert.equal(configError(() => load("vfb = ['vnc=1,colour=red']")), 'configuration option colour unknown to vfbs');
});

test('pci: devices with functions, virtual slots and options; parse errors', () => {
  const { sxp } = load("pci = ['01:00.0', '0000:02:1f.3@5,msitranslate=1', '03:00.0-1']");
  assert.deepEqual(children(sxp, 'device').map(show), [
    '(device (pci ' +
      '(dev (slot 0x00) (domain 0x0000) (key 01:00.0) (bus 0x01) (vdevfn 0x100) (func 0x0)) ' +
      '(dev (slot 0x1f) (domain 0x0000) (key 0000:02:1f.3@5,msitranslate=1) (bus 0x02) (vdevfn 0x28) (func 0x3) (opts (msitranslate 1))) ' +
      '(dev (slot 0x00) (domain 0x0000) (key 03:00.0-1) (bus 0x03) (vdevfn 0x101) (func 0x1)) ' +
      '(dev (slot 0x00) (domain 0x0000) (key 03:00.0-1) (bus 0x03) (vdevfn 0x100) (func 0x0))))',
  ]);
  assert.equal(configError(() => load("pci = ['zz']")), 'Failed to parse pci device: zz');
  assert.equal(configError(() => load("pci = ['01:00.0,colour=1']")), 'Invalid pci option colour=1: ');
  assert.equal(configError(() => load("pci = ['01:00.1=1']")), 'Virtual device does not include virtual function 0: 01:00.1=1');
});

test('ioports, irq, vusb, vscsi and access_control', () => {
  const { sxp } = load("ioports = ['02f8-02ff', '0378']\nirq = [7, '9']\nvusb = ['usbver=1,numports=2,port_1=1-1']");
  assert.deepEqual(children(sxp, 'device'), [
    ['device', ['vusb', ['usb-ver', '1'], ['num-ports', '2'], ['port', ['1', '1-1'], ['2', '']]]],
    ['device', ['ioports', ['from', '0x02f8'], ['to', '0x02ff']]],
    ['device', ['ioports', ['from', '0x0378'], ['to', '0x0378']]],
    // preprocess_irq stores repr(): an int 7 becomes '7', the string '9' becomes "'9'".
    ['device', ['irq', ['irq', '7']]],
    ['device', ['irq', ['irq', "'9'"]]],
  ]);
  assert.equal(configError(() => load("ioports = ['1-2-3']")), 'Invalid i/o port range specifier: 1-2-3');
  assert.equal(configError(() => load("vusb = ['usbver=3']")), 'Invalid vusb option: usbver');
  assert.equal(configError(() => load("vscsi = ['/dev/sdx, 0:0']")), 'vscsi syntax error "0:0"');
  assert.equal(configError(() => load("vscsi = ['/dev/sdx, 0:0:0:0']")), 'Cannot find device "/dev/sdx"');
  assert.equal(
    configError(() => load("access_control = ['policy=ACM,label=red']")),
    'Security policy (ACM) incompatible with enforced policy ().',
  );
  assert.equal(configError(() => load("access_control = ['label=red']")), 'Invalid access_control specifier: label=red');
  assert.equal(configError(() => load("access_control = ['policy=a,label=b', 'policy=c,label=d']")), 'Multiple access_control definitions.');
});

test('kernel command line: ip, dhcp, nfs root, root= prefix', () => {
  const image = (source: string) => show(children(load(source).sxp, 'image')[0]!);
  assert.match(image("dhcp = 'dhcp'\nhostname = 'h'"), /\(ip :127\.0\.255\.255:::h:eth0:dhcp\)/);
  assert.match(image("ip = 'ip=10.0.0.5'\nnfs_server = '10.0.0.1'"), /\(ip 10\.0\.0\.5:10\.0\.0\.1::::eth0:off\)/);
  assert.doesNotMatch(image("hostname = 'h'"), /\(ip /);
  assert.match(image("root = 'root=/dev/nfs'\nnfs_server = '10.0.0.1'\nnfs_root = '/export/vm'\nextra = '4'"), /\(root \/dev\/nfs\) .*\(args 'nfsroot=10\.0\.0\.1:\/export\/vm 4'\)/);
  assert.equal(configError(() => load("nfs_root = '/export'")), 'Must set nfs root and nfs server');
  assert.equal(configError(() => load('ip = 5')), "unsupported operand type(s) for +: 'int' and 'str'");
});

test('bootloader, pool, cpus list, backends and the HVM display', () => {
  const boot = load("bootloader = 'pygrub'\nkernel = 'vmlinuz'\npool = 'pool1'\ncpus = ['2', '3']\nnetif = 1").sxp;
  assert.deepEqual(children(boot, 'bootloader'), [['bootloader', '/usr/lib/xen/bin/pygrub']]);
  assert.deepEqual(children(boot, 'bootloader_args'), [['bootloader_args', '-q']]);
  assert.deepEqual(children(boot, 'pool_name'), [['pool_name', 'pool1']]);
  assert.deepEqual(children(boot, 'cpus'), [['cpus', ['2', '3']]]);
  assert.deepEqual(children(boot, 'backend'), [['backend', ['netif']]]);
  assert.match(show(children(boot, 'image')[0]!), /\(kernel vmlinuz\)/, 'a bootloader keeps the kernel as given');
  const console = load("bootloader = '/usr/bin/pygrub'\nbootargs = ''", { make: { consoleAutoconnect: true } }).sxp;
  assert.deepEqual(children(console, 'bootloader_args'), [['bootloader_args', '']]);

  const hvm = loadDomainConfig({ file: 'h', source: "builder = 'hvm'\nkernel = 'hvmloader'", env: { DISPLAY: ':0', HOME: '/h' } });
  assert.match(show(children(hvm.sxp, 'image')[0]!), /\(display :0\) .*\(xauthority \/h\/\.Xauthority\)/);
});

test("cpuid and cpuid_check: create.py's preprocess_cpuid, sent as dicts", () => {
  const bits = 'x'.repeat(31) + '1';
  const top = (sxp: Sxp, key: string) => (children(sxp, key)[0] as Sxp[] | undefined)?.[1];
  const both = load(`cpuid = ['0x1:eax=0x1,ebx=${bits}', 'bogus', '4,0:ecx=0x2']\ncpuid_check = ['1:edx=0x8']`).sxp;
  assert.deepEqual(top(both, 'cpuid'), { '0x1': { eax: '0x1', ebx: bits }, '4,0': { ecx: '0x2' } });
  assert.deepEqual(top(both, 'cpuid_check'), { '1': { edx: '0x8' } });
  assert.equal(sxpShow(['cpuid', top(both, 'cpuid_check')!]), `(cpuid "{'1': {'edx': '0x8'}}")`, '--dryrun shows a dict as sxp.show did');
  // The quirk: without cpuid, cpuid_check is not processed, and xm sent its list.
  assert.deepEqual(top(load("cpuid_check = ['1:edx=0x8']").sxp, 'cpuid_check'), ['1:edx=0x8']);
  assert.deepEqual(top(load("cpuid = ['bogus']").sxp, 'cpuid'), ['bogus'], 'the list stays until an entry matches');
  assert.equal(configError(() => load("cpuid = ['1:eax=0x1,foo=1']")), "cpuid's syntax is (eax|ebx|ecx|edx)=value");
  assert.equal(configError(() => load("cpuid = ['1:eax=101']")), 'cpuid: We should specify all the bits of the register eax for input 1\n');
  assert.equal(configError(() => load("cpuid = ['1:eax=0x1']\ncpuid_check = [1]")), 'expected string or buffer');
});

test('a list that contains itself cannot become SXP', () => {
  assert.equal(configError(() => load("cpus = ['1']\ncpus.append(cpus)")), 'cannot marshal recursive sequences');
});

test('the script sees the host it is given', () => {
  const host = {
    uname: () => ['Linux', 'dom0', '4.4', '#1', 'armv7l'] as const,
    env: { HOME: '/home/x' },
    cwd: () => '/srv',
    exists: (p: string) => p === '/srv/images/disk.img',
    isFile: () => true,
    isDir: () => false,
    interfaceAddress: () => null,
  };
  const source = "import os\nname = os.uname()[1] + '-' + os.uname()[4]\nif os.path.exists('/srv/images/disk.img'):\n    disk = ['file:/srv/images/disk.img,xvda,w']";
  const { values } = loadDomainConfig({ file: 'f', source, host });
  assert.equal(values.get('name'), 'dom0-armv7l');
  assert.deepEqual(values.get('disk'), ['file:/srv/images/disk.img,xvda,w']);
  assert.equal(values.get('xauthority'), '/home/x/.Xauthority', "the host's environment is the default env");
});

test('makeConfig leaves the values it is given untouched', () => {
  const values = defaultValues({});
  values.set('nics', 2n);
  values.set('disk', ['phy:a,b,w']);
  makeConfig(values, { env: {} });
  assert.deepEqual(values.get('vif'), []);
  assert.deepEqual(values.get('disk'), ['phy:a,b,w']);
});

// ---------------------------------------------------------------- image files and the search path

test('checkImagePaths: kernel and ramdisk must exist unless a bootloader fetches them', () => {
  const values = (entries: Record<string, PyValue>) => {
    const v = defaultValues({});
    for (const [k, x] of Object.entries(entries)) v.set(k, x);
    return v;
  };
  const exists = (p: string) => ['/boot/vmlinuz', '/etc/xen/local-kernel', '/boot/initrd'].includes(p);
  assert.equal(checkImagePaths(values({ kernel: '/boot/vmlinuz', ramdisk: '/boot/initrd' }), exists), null);
  assert.equal(checkImagePaths(values({ kernel: '/boot/missing' }), exists), 'Cannot find kernel "/boot/missing"');
  assert.equal(checkImagePaths(values({ kernel: '/boot/vmlinuz', ramdisk: '/boot/nope.img' }), exists), 'Cannot find ramdisk "/boot/nope.img"');
  assert.equal(checkImagePaths(values({ kernel: 'local-kernel' }), exists, '/etc/xen'), null);
  assert.equal(checkImagePaths(values({ kernel: 'local-kernel' }), exists, '/tmp'), 'Cannot find kernel "local-kernel"');
  assert.equal(checkImagePaths(values({ kernel: 'hvmloader', builder: 'hvm' }), exists), null);
  assert.equal(checkImagePaths(values({ kernel: '/boot/missing', bootloader: 'pygrub' }), exists), null);
  assert.equal(checkImagePaths(values({ loader: '/usr/lib/xen/boot/nope' }), exists), 'Cannot find loader "/usr/lib/xen/boot/nope"');
});

test('findConfigFile: the empty directory first, relative results prefixed with ./', () => {
  const files = new Set(['./guest1.cfg', '/etc/xen/guest2', '/srv/xen/guest3', '/abs/guest4']);
  const exists = (p: string) => files.has(p);
  assert.equal(findConfigFile('guest1.cfg', '.:/etc/xen', exists), './guest1.cfg');
  assert.equal(findConfigFile('guest2', '.:/etc/xen', exists), '/etc/xen/guest2');
  assert.equal(findConfigFile('guest3', '/etc/xen:/srv/xen/', exists), '/srv/xen/guest3');
  assert.equal(findConfigFile('/abs/guest4', '.:/etc/xen', exists), '/abs/guest4');
  assert.equal(findConfigFile('nowhere', '.:/etc/xen', exists), null);
});
