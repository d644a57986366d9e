import type { Sxp } from '../../sxp/types.js';
import type { HostDevices } from '../../hypervisor/host-devices.js';

/**
 * One device as a domain's config keeps it, the body of its `(device …)`
 * entry: `['vbd', ['uname', 'file:/x.img'], ['dev', 'xvdb'], ['mode', 'w'], …]`.
 */
export type DeviceEntry = Sxp[];

/** A domain's devices, as a controller sees them while it checks a change. */
export interface DeviceDomain {
  name: string;
  uuid: string;
  /** Its domid while it runs (or is paused or crashed): its devices are plugged in. Null otherwise. */
  domid: number | null;
  /** Every `(device …)` body of its config, of every class, in order. */
  devices: readonly DeviceEntry[];
}

/** A change device_configure makes: `old` (null: a new entry) becomes `entry` (null: removed); `devid` is the device's number. */
export interface DeviceChange {
  old: DeviceEntry | null;
  entry: DeviceEntry | null;
  devid: number;
}

/** What a controller is told while it checks a new device or a change to one. */
export interface DeviceContext {
  /** The domain the device is for. */
  domain: DeviceDomain;
  /** Every other domain on this host, running or managed: what its disks share with this one (the hotplug scripts' checks). */
  others(): Iterable<DeviceDomain>;
  /** The host's devices pass-through may give (the backend's inventory); a backend without one refuses, naming itself. */
  hostDevices(): HostDevices;
}

/** A device entry with the number xend gives it. */
export interface Numbered {
  entry: DeviceEntry;
  devid: number;
}

/**
 * The per-class part of xend's device handling (DevController and its
 * subclasses, with what XendConfig.device_add and XendDomainInfo knew of each
 * class). A controller is stateless: a domain's devices live in its config,
 * so `list --long`, managed domains, save/restore and migration carry them;
 * DeviceService persists every change and plugs devices in through the
 * backend. Register one in registry.ts.
 */
export interface DeviceController {
  /**
   * xend's device classes it serves (XendDevices.controllers' keys), the first
   * its own: a controller of several (vbd with tap and tap2) lists all of them
   * under the first class, and each other class alone.
   */
  readonly classes: readonly string[];
  /**
   * The config's entries are the whole device (pass-through: which domain holds
   * which host device): the backend is not asked to plug it in or out.
   */
  readonly configOnly?: true;
  /**
   * device_create: checks a new device against the domain's (and, for what
   * only one domain may use, every other domain's) devices and returns the
   * entry the config keeps, xend's defaults filled (a uuid; a vif's MAC).
   * Refusals are XendErrors with xend's words.
   */
  add(config: DeviceEntry, ctx: DeviceContext): DeviceEntry;
  /**
   * The device number xend gives a device (its devid): `index` is its place among
   * the config's entries of this controller's classes (a vif's number).
   */
  number(entry: DeviceEntry, index: number): number;
  /**
   * destroyDevice's and getBlockDeviceClass's `dev` as a device number
   * (DevController.convertToDeviceNumber): a number, `class/number`, or a
   * name the class knows (a disk's `xvdb`; a vif's MAC among `entries`, the
   * domain's devices of this controller). Null when it names none.
   */
  toNumber(dev: string | number, entries: readonly DeviceEntry[]): number | null;
  /**
   * device_configure (`config` as sent, `dev` the device number when given):
   * which of the domain's entries changes and how — a CD-ROM's new media; for
   * pci, vscsi and vusb, their entry with a device added or removed — or xend's
   * refusal. Without it the class cannot be configured.
   */
  configure?(config: DeviceEntry, dev: number | null, ctx: DeviceContext): DeviceChange;
  /**
   * getDeviceSxprs of a running domain: what xenstore's frontend directory held
   * for a plugged-in device (backend-id, state, the backend's path, …).
   */
  frontend(entry: DeviceEntry, devid: number, domid: number): Sxp[];
  /**
   * device_configure of a class xend configured through a method of its own
   * (pci_device_configure, vscsi_device_configure, vusb_device_configure: a
   * function or LUN attached or detached with a `state`, a USB port given a bus):
   * the domain's entries of this controller once `config` is applied, in order,
   * those it leaves as they were the same objects (passThroughController
   * makes its `configure` of it).
   */
  configureClass?(entries: readonly DeviceEntry[], config: DeviceEntry, devid: number | null, ctx: DeviceContext): DeviceEntry[];
  /** getDeviceSxprs where xend answered in a shape of the class's own (pci: each function as a struct); `domid` null when not running. */
  sxprs?(listed: readonly Numbered[], domid: number | null): Sxp[];
}

/** A `(key value)` of a device entry, as text; undefined when absent. */
export function setting(entry: DeviceEntry, key: string): string | undefined {
  for (const kv of entry) if (Array.isArray(kv) && kv[0] === key && kv.length > 1 && !Array.isArray(kv[1])) return String(kv[1]);
  return undefined;
}

/** The entry with `key` set to `value` (appended when absent). */
export function withSetting(entry: DeviceEntry, key: string, value: Sxp): DeviceEntry {
  const at = entry.findIndex((kv) => Array.isArray(kv) && kv[0] === key);
  const out = [...entry];
  if (at < 0) out.push([key, value]);
  else out[at] = [key, value];
  return out;
}

/**
 * A device config's `(key value)` pairs with a string key and a scalar value,
 * in order, as XendConfig.device_add read them (it skipped anything else).
 */
export function pairs(config: DeviceEntry): [string, string | number][] {
  const out: [string, string | number][] = [];
  for (const kv of config.slice(1)) {
    if (Array.isArray(kv) && kv.length === 2 && typeof kv[0] === 'string' && (typeof kv[1] === 'string' || typeof kv[1] === 'number')) out.push([kv[0], kv[1]]);
  }
  return out;
}

/** DevController.convertToDeviceNumber's first tries: a number, or `class/number`; null for anything else. */
export function plainNumber(dev: string | number): number | null {
  if (typeof dev === 'number') return Number.isSafeInteger(dev) ? dev : null;
  const last = dev.trim().split('/').pop()!;
  return /^[-+]?\d{1,15}$/.test(last) ? Number(last) : null;
}

/** XenbusState Connected: a plugged-in device's state as its frontend reports it. */
export const CONNECTED = '4';

/** The backend domain's id as xenstore had it: 0 (Domain-0) unless the device names another by number. */
export function backendId(entry: DeviceEntry): string {
  const b = setting(entry, 'backend');
  return b !== undefined && /^\d+$/.test(b) ? b : '0';
}

/** Where xend wrote the device's backend in xenstore (a frontend's `backend`). */
export function backendPath(entry: DeviceEntry, domid: number, devid: number): string {
  return `/local/domain/${backendId(entry)}/backend/${String(entry[0])}/${domid}/${devid}`;
}

/** device_configure's change from a controller's configureClass: the one entry of its class it added, replaced or removed. */
function entriesChange(ctl: DeviceController, config: DeviceEntry, dev: number | null, ctx: DeviceContext): DeviceChange {
  const before = ctx.domain.devices.filter((d) => ctl.classes.includes(String(d[0])));
  const after = ctl.configureClass!(before, config, dev, ctx);
  const old = before.find((e) => !after.includes(e)) ?? null;
  const entry = after.find((e) => !before.includes(e)) ?? null;
  const changed = entry ?? old!;
  const list = entry ? after : before;
  return { old, entry, devid: ctl.number(changed, list.indexOf(changed)) };
}

/** What a pass-through class has of its own; its entries are the device (a frontend shows the entry unless it says otherwise). */
export type PassThroughParts = Pick<DeviceController, 'add' | 'number' | 'sxprs'> &
  Partial<Pick<DeviceController, 'frontend'>> &
  Required<Pick<DeviceController, 'configureClass'>>;

/**
 * A config-only controller of one pass-through class (pci, vscsi, vusb): its
 * `configure` is the entry its configureClass changed, and a device is named by
 * its number alone.
 */
export function passThroughController(cls: string, parts: PassThroughParts): DeviceController {
  const ctl: DeviceController = {
    classes: [cls],
    configOnly: true,
    toNumber: (dev) => plainNumber(dev),
    frontend: (entry) => entry,
    ...parts,
    configure: (config, dev, ctx) => entriesChange(ctl, config, dev, ctx),
  };
  return ctl;
}
