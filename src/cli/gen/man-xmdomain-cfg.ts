/**
 * xmdomain.cfg(5): every variable of create.py's table (CONFIG_VARIABLES: name,
 * conversion, default), documented here. A unit test checks that each variable
 * has a text here and each text a variable, so the page cannot drift.
 */
import { CONFIG_VARIABLES, type ConfigVariable } from '../../config/domain-config.js';
import { Page, b, i, ref, t } from './roff.js';

type Section = 'core' | 'boot' | 'cpu' | 'lifecycle' | 'devices' | 'kernel-ip' | 'hvm' | 'display' | 'other';

const SECTIONS: readonly [Section, string, string][] = [
  ['core', 'BASIC OPTIONS', 'What nearly every domain sets.'],
  ['boot', 'KERNEL AND BOOT', 'How the domain boots: a kernel (and ramdisk) given to the domain builder, or a boot loader that finds one in the guest\'s disk.'],
  ['cpu', 'MEMORY AND CPUS', ''],
  ['lifecycle', 'DOMAIN SHUTDOWN OPTIONS', 'What xend does when the domain stops. destroy: clean the domain up. restart: start a new domain in place of the old one. preserve: keep the stopped domain until it is destroyed by hand (xm destroy). rename-restart: keep the old domain under a new name and start a new one in its place. On a crash also coredump-destroy and coredump-restart: dump the core first. When a variable is not set xend destroys on poweroff and restarts on reboot and crash.'],
  ['devices', 'DEVICES', 'Lists of strings, one device each; on the command line the variable may be given several times.'],
  ['kernel-ip', 'KERNEL NETWORK CONFIGURATION', 'Added to the kernel command line (ip=…, nfsroot=…) for a guest that configures its network in the kernel.'],
  ['hvm', 'HVM GUESTS', 'For fully virtualised domains (builder = "hvm").'],
  ['display', 'GRAPHICS', ''],
  ['other', 'OTHER OPTIONS', ''],
];

/** The text of every variable, and where xmdomain.cfg(5) lists it. */
export const VARIABLE_DOCS: Readonly<Record<string, readonly [Section, string]>> = {
  name: ['core', 'The domain name; it must be unique among xend\'s domains. Default: the base name of the config file.'],
  memory: ['core', 'The initial memory of the domain, in MiB.'],
  maxmem: ['core', 'The maximum memory of the domain, in MiB; xm mem-set can grow it up to this. Default: memory.'],
  vcpus: ['core', 'The number of virtual CPUs.'],
  uuid: ['core', 'The domain\'s UUID. One is generated when this is not set; if set it must be unique.'],
  description: ['core', 'Free text describing the domain.'],
  disk: [
    'devices',
    'A disk: "TYPE:DEV,VDEV,MODE[,DOM[,PROTOCOL]]", for example "phy:/dev/vg0/guest,xvda,w" or "file:/srv/guest.img,xvda,w". TYPE is phy (a block device), file (a loopback file), tap:aio, tap:qcow … VDEV is the device the guest sees; MODE is r (read-only) or w (read-write); DOM names the backend domain.',
  ],
  vif: [
    'devices',
    'A network interface: comma-separated KEY=VALUE settings among type, mac, bridge, ip, script, backend, vifname, rate, model, accel, policy, label. An empty string gives one interface with every setting at its default. A MAC address not given is random, in the Xen range 00:16:3e:xx:xx:xx.',
  ],
  vif2: ['devices', 'A netchannel2 network interface (settings as for vif).'],
  pci: ['devices', 'A PCI device to pass through, as "[DOMAIN:]BUS:DEV.FUNC[@VSLOT][,OPTION=VALUE…]" in hex, for example "01:00.0".'],
  vscsi: ['devices', 'A SCSI device to pass through: "PDEV,VDEV[,BACKEND]", VDEV as host:channel:target:lun.'],
  vusb: ['devices', 'A virtual USB host controller: "usbver=N,numports=N[,port_N=BUS-PORT…]".'],
  ioports: ['devices', 'A range of legacy I/O ports to give the domain, in hex, for example "02f8-02ff".'],
  irq: ['devices', 'A physical interrupt line to give the domain, for example "7".'],
  vfb: [
    'devices',
    'A virtual frame buffer (PV guests): settings among vnc, sdl, vncunused, vncdisplay, vnclisten, vncpasswd, display, xauthority, opengl, keymap, serial, monitor, videoram, for example "vnc=1,vnclisten=0.0.0.0".',
  ],
  access_control: ['devices', 'A security label and the policy that defines it: "policy=POLICY,label=LABEL".'],
  cpuid: ['hvm', 'CPUID values the guest sees, as a list of "LEAF[,SUBLEAF]:REGISTER=BITS,…" strings (the qemu and xen backends refuse it).'],
  cpuid_check: ['hvm', 'CPUID values checked on the host before the domain starts (same form as cpuid; read only when cpuid is set).'],
  nics: ['devices', 'Deprecated (xm warns): the number of network interfaces. Use empty vif entries instead.'],
  blkif: ['devices', 'Make the domain a block device backend (yes/no).'],
  netif: ['devices', 'Make the domain a network backend (yes/no).'],
  kernel: ['boot', 'The kernel image, a path in dom0.'],
  ramdisk: ['boot', 'The initial ramdisk, a path in dom0.'],
  root: ['boot', 'The root device given to the kernel as root=…, for example "/dev/xvda1 ro", or /dev/nfs for an NFS root.'],
  extra: ['boot', 'More text for the kernel command line.'],
  bootloader: ['boot', 'A boot loader run in dom0 to find the kernel inside the guest\'s disk, such as pygrub.'],
  bootargs: ['boot', 'Arguments for the boot loader.'],
  bootentry: ['boot', 'Deprecated: the entry the boot loader boots. Use bootargs.'],
  builder: ['boot', 'The domain builder: linux (paravirtualised) or hvm (fully virtualised).'],
  features: ['boot', 'Features to enable in the guest kernel, separated by |.'],
  loader: ['hvm', 'The HVM firmware.'],
  shadow_memory: ['cpu', 'Shadow page table memory, in MiB (0: the hypervisor decides).'],
  memory_sharing: ['cpu', 'Let the hypervisor share identical memory pages between domains (yes/no).'],
  superpages: ['cpu', 'Build the domain with superpages (1) or not (0).'],
  cpu: ['cpu', 'The physical CPU that VCPU 0 runs on.'],
  cpus: ['cpu', 'The physical CPUs the VCPUs may run on: "0-3,5,^1" (CPUs 0, 2, 3 and 5), or a list with one such string per VCPU.'],
  cpu_cap: ['cpu', 'The most CPU time the domain may use, in percent of one physical CPU (0: no cap; credit scheduler).'],
  cpu_weight: ['cpu', 'The domain\'s share of CPU time relative to others (credit scheduler; 256 when unset).'],
  vcpu_avail: ['cpu', 'A bit mask of the VCPUs online at boot; the others can be brought up later with xm vcpu-set.'],
  pool: ['cpu', 'The CPU pool to run the domain in.'],
  target: ['other', 'The domain this domain serves as a device model stub domain (0: none).'],
  machine_address_size: ['cpu', 'The maximum machine address size, in bits, of the domain\'s memory.'],
  on_poweroff: ['lifecycle', 'What to do when the guest powers off: destroy, restart, preserve or rename-restart.'],
  on_reboot: ['lifecycle', 'What to do when the guest reboots: destroy, restart, preserve or rename-restart.'],
  on_crash: ['lifecycle', 'What to do when the guest crashes: destroy, restart, preserve, rename-restart, coredump-destroy or coredump-restart.'],
  restart: ['lifecycle', 'Deprecated; use on_poweroff, on_reboot and on_crash. onreboot: restart when the guest reboots; always: restart whatever the reason; never: never restart.'],
  on_xend_start: ['lifecycle', 'What xend does with this managed domain when xend starts: ignore or start.'],
  on_xend_stop: ['lifecycle', 'What xend does with this managed domain when xend stops: ignore, shutdown or suspend.'],
  ip: ['kernel-ip', 'The guest\'s IP address.'],
  gateway: ['kernel-ip', 'The IP gateway.'],
  netmask: ['kernel-ip', 'The IP netmask.'],
  hostname: ['kernel-ip', 'The guest\'s host name.'],
  interface: ['kernel-ip', 'The network interface the settings apply to.'],
  dhcp: ['kernel-ip', 'Configure the interface by DHCP ("dhcp") or not ("off").'],
  nfs_server: ['kernel-ip', 'The NFS server of an NFS root.'],
  nfs_root: ['kernel-ip', 'The path of the root directory on the NFS server (needs nfs_server).'],
  device_model: ['hvm', 'The device model program (qemu-dm).'],
  acpi: ['hvm', 'Give the guest ACPI (1) or not (0).'],
  apic: ['hvm', 'Give the guest an APIC (1) or not (0).'],
  pae: ['hvm', 'Give the guest PAE (1) or not (0).'],
  hpet: ['hvm', 'Give the guest a virtual high-precision event timer (1) or not (0).'],
  hap: ['hvm', 'Use hardware-assisted paging (1) or not (0).'],
  nestedhvm: ['hvm', 'Let the guest run HVM guests of its own (1) or not (0).'],
  oos: ['hvm', 'Use out-of-sync shadow page tables (1) or not (0).'],
  viridian: ['hvm', 'Expose the Viridian (Hyper-V) interface to Windows guests (1) or not (0).'],
  timer_mode: ['hvm', 'Timer mode: 0 delays virtual time when ticks are missed, 1 keeps virtual time equal to wall-clock time.'],
  tsc_mode: ['hvm', 'TSC mode: 0 default, 1 always emulate, 2 never emulate, 3 pvrdtscp.'],
  nomigrate: ['other', 'Forbid migrating the domain (1) or not (0).'],
  vpt_align: ['hvm', 'Align periodic virtual timers to reduce interrupts (1) or not (0).'],
  rtc_timeoffset: ['hvm', 'Offset of the guest\'s clock, in seconds.'],
  localtime: ['hvm', 'Set the guest\'s clock to local time rather than UTC (yes/no).'],
  boot: ['hvm', 'Boot devices, in order: a (floppy), c (hard disk), d (CD-ROM), n (network).'],
  fda: ['hvm', 'The first floppy disk image.'],
  fdb: ['hvm', 'The second floppy disk image.'],
  serial: ['hvm', 'Where the guest\'s serial port goes: pty, vc, null, file:PATH …'],
  parallel: ['hvm', 'Where the guest\'s parallel port goes (as serial).'],
  monitor: ['hvm', 'Give the device model a monitor (yes/no).'],
  monitor_path: ['hvm', 'Where the device model\'s monitor goes.'],
  usb: ['hvm', 'Emulate USB (yes/no).'],
  usbdevice: ['hvm', 'A USB device to emulate, such as tablet or mouse.'],
  soundhw: ['hvm', 'Sound hardware to emulate, such as sb16 or es1370.'],
  stdvga: ['hvm', 'Emulate a standard VGA card rather than a Cirrus Logic one (yes/no).'],
  nographic: ['display', 'Run the device model without a graphical console (yes/no).'],
  isa: ['hvm', 'Emulate an ISA-only system (yes/no).'],
  guest_os_type: ['hvm', 'The guest operating system type, a hint for the device model.'],
  pci_msitranslate: ['hvm', 'Translate passed-through PCI devices\' MSI to INTx (1) or not (0).'],
  pci_power_mgmt: ['hvm', 'Let the guest manage the power of passed-through PCI devices (1) or not (0).'],
  xen_platform_pci: ['hvm', 'Give the guest the Xen platform PCI device for PV drivers (1) or not (0).'],
  s3_integrity: ['hvm', 'Check the integrity of the guest\'s memory across S3 suspend (1) or not (0).'],
  vhpt: ['other', 'Log2 of the VHPT size (IA64 only).'],
  suppress_spurious_page_faults: ['other', 'Do not inject spurious page faults into the guest (yes/no).'],
  keymap: ['display', 'The keyboard layout of the graphical console, such as en-us or de.'],
  vnc: ['display', 'Give the domain a VNC console (1) or not.'],
  vncdisplay: ['display', 'The VNC display number to use.'],
  vnclisten: ['display', 'The address the VNC server listens on (default from vnc-listen in xend-config.sxp).'],
  vncunused: ['display', 'Find an unused port for the VNC server (yes/no).'],
  vncpasswd: ['display', 'The VNC password (default from vncpasswd in xend-config.sxp).'],
  vncconsole: ['display', 'Start a VNC viewer on the domain\'s graphical console (yes/no).'],
  vncviewer: ['display', 'Deprecated: start a VNC viewer listening for the domain\'s VNC server (yes/no).'],
  videoram: ['display', 'The most video memory the guest may use, in MiB.'],
  sdl: ['display', 'Give the domain an SDL console window (1) or not.'],
  opengl: ['display', 'Use OpenGL for the SDL window (1) or not.'],
  display: ['display', 'The X11 display of the SDL window. Default: $DISPLAY.'],
  xauthority: ['display', 'The X11 authority file. Default: $XAUTHORITY, else ~/.Xauthority.'],
  gfx_passthru: ['display', 'Pass the host\'s graphics card through to the guest (1) or not.'],
};

const KIND_TEXT: Readonly<Record<ConfigVariable['kind'], string>> = {
  str: 'string',
  int: 'integer',
  long: 'integer',
  bool: 'boolean',
  list: 'list of strings',
};

function defaultText(v: ConfigVariable): string | null {
  if (v.kind === 'list') return null;
  if (v.default === null) return null;
  if (typeof v.default === 'bigint') return v.kind === 'bool' ? (v.default ? 'yes' : 'no') : String(v.default);
  return v.default === '' ? null : `"${v.default}"`;
}

export function xmdomainCfgPage(version: string): string {
  const page = new Page('XMDOMAIN.CFG', 5, `xend-suite ${version}`, 'Xen management');
  page.sh('NAME').text(t('xmdomain.cfg - xm domain config file format'));
  page.sh('SYNOPSIS');
  page.text(b('/etc/xen/myxendomain')).br();
  page.text(b('/etc/xen/myxendomain2')).br();
  page.text(b('/etc/xen/auto/myxendomain3'));

  page.sh('DESCRIPTION');
  page.text(
    t(
      'xm create reads the configuration of the domain it creates from a config file: xm create myxendomain looks for myxendomain in the current directory, then in each directory of --path (default .:/etc/xen). The file is a Python script; the variables it leaves set, named below, are the domain\'s settings. Variables can also be given on the command line as VAR=VALUE; they win over the file, and the file sees them. xm create /dev/null NAME=VALUE… creates a domain from the command line alone.',
    ),
  );
  page.pp(
    t(
      'The script is evaluated by xm itself, not by a Python interpreter, within the subset of Python 2 that config files use: assignments, strings (with % formatting), numbers, lists, tuples and dicts, if, for and def, import of os and re, and the xm_vars helper (xm_vars.var(), xm_vars.check()) of the shipped examples. A file that goes beyond this subset fails with an error naming its line, as a Python error would. Variables a script sets besides the ones below are ignored, except maxvcpus (the number of VCPUs the domain may have, of which vcpus are online at boot).',
    ),
  );
  page.pp(
    t(
      'On the command line a boolean variable takes yes, y, no or n; in the file any Python value, judged true or false as Python does. An integer must be a decimal number. Which settings take effect depends on the hypervisor backend that xend runs (xend-hypervisor in xend-config.sxp(5)); all of them are checked and sent to xend as xm sent them.',
    ),
  );

  for (const [section, title, intro] of SECTIONS) {
    const vars = CONFIG_VARIABLES.filter((v) => VARIABLE_DOCS[v.name]?.[0] === section);
    if (!vars.length) continue;
    page.sh(title);
    if (intro) page.text(t(intro));
    for (const v of vars) {
      const dflt = defaultText(v);
      const body = t(VARIABLE_DOCS[v.name]![1]) + (dflt === null ? '' : ` ${t('Default:')} ${b(dflt)}.`);
      page.tp(`${b(v.name)} ${i(KIND_TEXT[v.kind])}`, body);
    }
  }

  page.sh('EXAMPLES');
  page.text(t('A paravirtualised guest with a disk image, one network interface on the bridge xenbr0, restarted when it crashes:'));
  page.example(
    [
      'name = "guest1"',
      'memory = 512',
      'vcpus = 2',
      'kernel = "/boot/vmlinuz-xen"',
      'ramdisk = "/boot/initrd-xen"',
      'root = "/dev/xvda1 ro"',
      'disk = [ "file:/srv/xen/guest1.img,xvda1,w" ]',
      'vif = [ "bridge=xenbr0" ]',
      'on_crash = "restart"',
    ].join('\n'),
  );
  page.text(t('Boot with pygrub from the guest\'s own disk, numbered from the command line (xm create guest vmid=3):'));
  page.example(
    ['vmid = int(vmid)', 'name = "guest%d" % vmid', 'memory = 256', 'bootloader = "/usr/bin/pygrub"', 'disk = [ "phy:/dev/vg0/guest%d,xvda,w" % vmid ]', 'vif = [ "" ]'].join('\n'),
  );
  page.text(t('A domain with no config file:'));
  page.example('xm create /dev/null name=test memory=128 vcpus=2 on_poweroff=preserve');

  page.sh('FILES');
  page.tp(b('/etc/xen/'), t('Where xm create looks for config files after the current directory.'));
  page.tp(b('/etc/xen/auto/'), t('Config files (or links to them) of the domains an init script starts at boot.'));

  page.sh('SEE ALSO');
  page.text([ref('xm', 1), ref('xend', 8), ref('xend-config.sxp', 5)].join(', '));
  return page.toString();
}
