import type { Sxp } from '../sxp/types.js';

/**
 * Every xend-config.sxp option, in xend 4.4.4's order (XendOptions.py), plus the
 * few this suite adds (marked "not in xend"). Values are validated at load by
 * type: bool (yes/no…), int (Python int()), str, path (a bare file name lives in
 * /etc/xen), level (one of `values`), sxp (a list, kept as parsed).
 */
export type OptionType = 'bool' | 'int' | 'str' | 'sxp' | 'path' | 'level';

type DefaultSxp = string | readonly DefaultSxp[];

export interface OptionSpec {
  readonly name: string;
  readonly type: OptionType;
  /** null: unset (str/path), or derived at load (enable-dom0-ballooning). */
  readonly default: boolean | number | string | null | readonly DefaultSxp[];
  readonly doc: string;
  /** First xend version with the option, or 'not in xend'. */
  readonly since: string;
  /** The only accepted values, when restricted. */
  readonly values?: readonly string[];
}

/** sim-host-devices' default: a small workstation, two of its NICs owned by pciback/pci-stub. */
const SIM_HOST_DEVICES = [
  ['pci', '0000:00:02.0', '8086:0162', 'Intel Corporation', 'Xeon E3-1200 v2/3rd Gen Core processor Graphics Controller', 'i915'],
  ['pci', '0000:03:00.0', '8086:10d3', 'Intel Corporation', '82574L Gigabit Network Connection', 'pciback'],
  ['pci', '0000:04:00.0', '8086:10c9', 'Intel Corporation', '82576 Gigabit Network Connection', 'pciback'],
  ['pci', '0000:04:00.1', '8086:10c9', 'Intel Corporation', '82576 Gigabit Network Connection', 'pci-stub'],
  ['scsi', '2:0:0:0', 'sdb', 'ATA', 'ST3500418AS'],
  ['scsi', '2:0:1:0', 'sdc', 'ATA', 'WDC WD5000AAKX'],
  ['usb', '1-1', '1.2', '046d:c52b', 'Logitech USB Receiver'],
  ['usb', '1-2', '1.3', '0781:5567', 'SanDisk Cruzer Blade'],
] as const;

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', 'TRACE'] as const;

export const optionTable = [
  { name: 'logfile', type: 'str', default: '/var/log/xen/xend.log', doc: 'xend log file', since: '3.0' },
  { name: 'loglevel', type: 'level', default: 'DEBUG', doc: 'lowest level written to the log', since: '3.0', values: LOG_LEVELS },
  { name: 'xsm_module_name', type: 'str', default: 'dummy', doc: 'security module: flask, acm or dummy', since: '3.4' },
  { name: 'xen-api-server', type: 'sxp', default: [['unix']], doc: 'Xen-API listeners: ((unix|port|addr:port [auth [hosts [key cert]]]) …)', since: '3.0.4' },
  { name: 'xend-http-server', type: 'bool', default: false, doc: 'legacy HTTP server on xend-address:xend-port', since: '3.0' },
  { name: 'xend-unix-server', type: 'bool', default: false, doc: 'legacy HTTP server on xend-unix-path (and the relocation socket)', since: '3.0' },
  { name: 'xend-unix-path', type: 'str', default: '/var/lib/xend/xend-socket', doc: 'socket of the unix HTTP server', since: '3.0' },
  { name: 'xend-port', type: 'int', default: 8000, doc: 'port of the HTTP server', since: '3.0' },
  { name: 'xend-address', type: 'str', default: 'localhost', doc: "address of the HTTP server ('' = every address, as in xend; the default is localhost here, '' in xend)", since: '3.0' },
  { name: 'xend-tcp-xmlrpc-server', type: 'bool', default: false, doc: 'legacy XML-RPC over TCP', since: '3.0.2' },
  { name: 'xend-tcp-xmlrpc-server-address', type: 'str', default: 'localhost', doc: 'address of the TCP XML-RPC server', since: '3.1' },
  { name: 'xend-tcp-xmlrpc-server-port', type: 'int', default: 8006, doc: 'port of the TCP XML-RPC server', since: '3.1' },
  { name: 'xend-tcp-xmlrpc-server-ssl-key-file', type: 'path', default: null, doc: 'SSL key: TCP XML-RPC serves only SSL when set', since: '3.1' },
  { name: 'xend-tcp-xmlrpc-server-ssl-cert-file', type: 'path', default: null, doc: 'SSL certificate of the TCP XML-RPC server', since: '3.1' },
  { name: 'xend-unix-xmlrpc-server', type: 'bool', default: true, doc: 'legacy XML-RPC over the unix socket', since: '3.0.2' },
  { name: 'xend-relocation-server', type: 'bool', default: false, doc: 'accept incoming migrations', since: '3.0' },
  { name: 'xend-relocation-port', type: 'int', default: 8002, doc: 'port of the relocation server', since: '3.0' },
  { name: 'xend-relocation-address', type: 'str', default: '', doc: "address of the relocation server ('' = localhost here; all addresses in xend: give 0.0.0.0)", since: '3.0' },
  { name: 'xend-relocation-hosts-allow', type: 'str', default: '', doc: "space-separated host regexes allowed to relocate ('' = all)", since: '3.0.2' },
  { name: 'xend-relocation-ssl-server', type: 'bool', default: false, doc: 'accept migrations over SSL', since: '3.3' },
  { name: 'xend-relocation-ssl-port', type: 'int', default: 8003, doc: 'port of the SSL relocation server', since: '3.3' },
  { name: 'xend-relocation-server-ssl-key-file', type: 'path', default: null, doc: 'SSL key of the relocation server', since: '3.3' },
  { name: 'xend-relocation-server-ssl-cert-file', type: 'path', default: null, doc: 'SSL certificate of the relocation server', since: '3.3' },
  { name: 'xend-relocation-ssl', type: 'bool', default: false, doc: 'migrate over SSL unless told otherwise', since: '3.3' },
  { name: 'xend-relocation-ssl-ca-file', type: 'path', default: null, doc: "not in xend: CA certificates the SSL migration sender trusts: set, the destination's certificate must be signed by one of them and name the host migrated to; unset, any certificate is accepted, as xend did, with a warning in the log", since: 'not in xend' },
  { name: 'xend-udev-event-server', type: 'bool', default: false, doc: 'listen for udev events', since: '3.4' },
  { name: 'xend-domains-path', type: 'str', default: '/var/lib/xend/domains', doc: 'store of managed domains', since: '3.0.4' },
  { name: 'xend-state-path', type: 'str', default: '/var/lib/xend/state', doc: 'xend state directory', since: '3.1' },
  { name: 'xend-storage-path', type: 'str', default: '/var/lib/xend/storage', doc: 'storage repository directory', since: '3.1' },
  { name: 'xend-security-path', type: 'str', default: '/var/lib/xend/security', doc: 'security policy directory', since: '3.2' },
  { name: 'network-script', type: 'str', default: null, doc: "script (with arguments) run with 'start' when xend starts", since: '3.0' },
  { name: 'vif-script', type: 'str', default: 'vif-bridge', doc: 'default script for virtual interfaces', since: '3.0' },
  { name: 'external-migration-tool', type: 'str', default: '', doc: 'tool run for external device migration', since: '3.0.3' },
  { name: 'enable-dump', type: 'bool', default: false, doc: 'core-dump domains that crash', since: '3.0' },
  { name: 'dom0-min-mem', type: 'int', default: 0, doc: 'MiB dom0 never balloons below', since: '3.0' },
  { name: 'enable-dom0-ballooning', type: 'bool', default: null, doc: 'balloon dom0 down for new domains (default: yes iff dom0-min-mem is not 0)', since: '3.3' },
  { name: 'total_available_memory', type: 'int', default: 0, doc: 'GiB reserved for 32-bit PV domains when ballooning', since: '4.0' },
  { name: 'dom0-cpus', type: 'int', default: 0, doc: 'CPUs dom0 uses (0 = all)', since: '3.0' },
  { name: 'console-limit', type: 'int', default: 1024, doc: 'KiB of console output buffered per domain', since: '3.0' },
  { name: 'vnc-listen', type: 'str', default: '127.0.0.1', doc: 'default address of HVM VNC servers', since: '3.0.3' },
  { name: 'vncpasswd', type: 'str', default: null, doc: "default VNC password ('' = none)", since: '3.0.4' },
  { name: 'keymap', type: 'str', default: null, doc: 'default guest keyboard map', since: '3.2' },
  { name: 'resource-label-change-script', type: 'str', default: null, doc: 'script run when a resource label changes', since: '3.2' },
  { name: 'vnc-tls', type: 'str', default: '0', doc: 'VNC over TLS (1 = on)', since: '3.2' },
  { name: 'vnc-x509-cert-dir', type: 'path', default: '/etc/xen/vnc', doc: 'directory of the VNC x509 certificates', since: '3.2' },
  { name: 'vnc-x509-verify', type: 'str', default: '0', doc: 'require VNC client certificates (1 = on)', since: '3.2' },
  { name: 'qemu-dm-logrotate-count', type: 'int', default: 10, doc: 'qemu-dm log files kept', since: '3.3' },
  { name: 'device-create-timeout', type: 'int', default: 100, doc: 'seconds to wait for a device to appear', since: '4.0' },
  { name: 'device-destroy-timeout', type: 'int', default: 100, doc: 'seconds to wait for a device to go', since: '4.0' },
  { name: 'pci-passthrough-strict-check', type: 'bool', default: true, doc: 'strict checks when assigning PCI devices to HVM guests', since: '4.0' },
  { name: 'pscsi-device-mask', type: 'sxp', default: ['*'], doc: "SCSI devices xend scans, lsscsi syntax (('*') = all)", since: '4.1' },
  { name: 'xend-hypervisor', type: 'str', default: 'sim', doc: 'not in xend: backend, sim (simulated host), qemu, or xen (a real Xen host through xl)', since: 'not in xend', values: ['sim', 'qemu', 'xen'] },
  { name: 'qemu-binary', type: 'str', default: 'qemu-system-x86_64', doc: 'not in xend: the QEMU the qemu backend runs', since: 'not in xend' },
  { name: 'qemu-accel', type: 'str', default: 'auto', doc: 'not in xend: auto (KVM where it really works, else TCG), kvm or tcg', since: 'not in xend', values: ['auto', 'kvm', 'tcg'] },
  { name: 'qemu-user', type: 'str', default: '', doc: "not in xend: unprivileged user each guest's QEMU switches to once it has started (-runas; '' = stays root)", since: 'not in xend' },
  { name: 'xen-xl-binary', type: 'str', default: '', doc: "not in xend: the xl the xen backend runs ('' = xl on PATH, else /usr/lib/xen-*/bin/xl)", since: 'not in xend' },
  { name: 'xen-console-log-dir', type: 'str', default: '/var/log/xen/console', doc: "not in xend: where xenconsoled keeps guests' console logs (XENCONSOLED_TRACE=guest); a domain's log is replayed into its console history when xend adopts it after a restart ('' = none)", since: 'not in xend' },
  { name: 'sim-host-cpus', type: 'int', default: 4, doc: 'not in xend: CPUs of the simulated host', since: 'not in xend' },
  { name: 'xend-hosts-allow', type: 'str', default: '', doc: "not in xend: space-separated host regexes allowed on the management TCP servers ('' = all)", since: 'not in xend' },
  { name: 'xend-unix-socket-group', type: 'str', default: '', doc: "not in xend: group owning the management Unix sockets, which are then 0660 ('' = 0600, root only)", since: 'not in xend' },
  { name: 'sim-host-memory', type: 'int', default: 8192, doc: 'not in xend: MiB of memory of the simulated host', since: 'not in xend' },
  {
    name: 'sim-host-devices',
    type: 'sxp',
    default: SIM_HOST_DEVICES,
    doc:
      'not in xend: the devices of the simulated host a guest may be given (pci-attach, scsi-attach, usb-attach, usb-add): ' +
      '(pci DOMAIN:BUS:SLOT.FUNC VENDOR:DEVICE VENDOR-NAME DEVICE-NAME DRIVER), assignable when DRIVER is pciback or pci-stub; ' +
      '(scsi HOST:CHANNEL:TARGET:LUN DEVNAME VENDOR MODEL); (usb BUSID BUS.ADDR VENDOR:PRODUCT NAME)',
    since: 'not in xend',
  },
  { name: 'xend-save-path', type: 'str', default: '/var/lib/xen/save', doc: 'not in xend: the only directory a client other than root (TCP servers, a socket group) may save guests to or restore them from (core dumps: /var/xen/dump)', since: 'not in xend' },
  { name: 'xend-max-request-bytes', type: 'int', default: 4194304, doc: 'not in xend: largest XML-RPC request accepted (413 beyond)', since: 'not in xend' },
  { name: 'xend-idle-timeout', type: 'int', default: 10, doc: 'not in xend: seconds a management connection gets for the TLS handshake, then for each whole request (head and body, plus a second per 64 KiB declared) and between requests', since: 'not in xend' },
  { name: 'xend-max-connections', type: 'int', default: 1024, doc: 'not in xend: open connections each management and relocation listener accepts; more are refused', since: 'not in xend' },
  { name: 'xend-relocation-idle-timeout', type: 'int', default: 60, doc: "not in xend: seconds a relocation peer may stay silent mid-request before its half-received domain is dropped (xl's own stream, once it runs: the keepalive interval instead)", since: 'not in xend' },
  { name: 'xend-allow-foreign-scripts', type: 'bool', default: false, doc: 'not in xend: a domain config root sends over the Unix socket may name a hotplug script outside /etc/xen/scripts (no other client ever may; read at start)', since: 'not in xend' },
  { name: 'xend-domain-image-path', type: 'str', default: '/var/lib/xen/images', doc: 'not in xend: space-separated directories a client other than root may take kernels, ramdisks, bootloaders and disk images from (read at start)', since: 'not in xend' },
  { name: 'xend-domain-block-devices', type: 'str', default: '', doc: "not in xend: space-separated block devices a client other than root may give a guest as phy: disks ('' = none; read at start)", since: 'not in xend' },
  { name: 'xend-domain-passthrough', type: 'bool', default: false, doc: "not in xend: a client other than root may give a guest the host's PCI functions, SCSI LUNs and USB devices that pass-through offers (pci-attach, scsi-attach, usb-attach; read at start)", since: 'not in xend' },
] as const satisfies readonly OptionSpec[];

type Spec = (typeof optionTable)[number];
export type OptionName = Spec['name'];

type ValueOf<S extends Spec> = S extends { values: readonly (infer V)[] }
  ? V
  : S['type'] extends 'bool'
    ? boolean
    : S['type'] extends 'int'
      ? number
      : S['type'] extends 'sxp'
        ? Sxp
        : S['default'] extends null
          ? string | null
          : string;

/** Resolved options, keyed by option name (frozen). */
export type XendOptions = { readonly [S in Spec as S['name']]: ValueOf<S> };

/** Each option's table default (null where unset or derived). */
export const OPTION_DEFAULTS = Object.freeze(
  Object.fromEntries(optionTable.map((o) => [o.name, o.default])),
) as { readonly [S in Spec as S['name']]: S['default'] };
