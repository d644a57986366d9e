import { show } from '../../sxp/index.js';
import { XendError } from '../../protocol/faults.js';
import { PowerState } from '../../protocol/domain.js';
import { checkStrings } from '../../vm/config-limits.js';
import { checkDeviceScripts, type ConfigRules } from '../path-policy.js';
import { powerState } from '../domain-sxp.js';
import type { VmConfig } from '../../vm/config.js';
import type { DomainService } from '../domains.js';
import type { Resolved } from '../domain-index.js';
import type { Logger } from '../log.js';
import type { HvDevice, HvDomain, Hypervisor } from '../../hypervisor/types.js';
import type { Sxp } from '../../sxp/types.js';
import { DeviceRegistry } from './registry.js';
import { hostDevicesOf } from '../passthrough.js';
import { type DeviceContext, type DeviceController, type DeviceDomain, type DeviceEntry } from './controller.js';

/** Deeper than any device config: xend's are `(class (key value) …)`, a vscsi's a level or two more. */
const MAX_DEVICE_DEPTH = 6;

type Maybe<T> = T | Promise<T>;

/**
 * xend's device methods (XendDomainInfo.device_create, device_configure,
 * destroyDevice, getDeviceSxprs, getBlockDeviceClass), dispatched by device
 * class to its controller. A domain's devices are its config's `(device …)`
 * entries: every change is written there (the running record and the managed
 * store), and a running domain's devices are plugged in through the backend.
 */
export class DeviceService {
  constructor(
    private readonly domains: DomainService,
    private readonly log: Logger,
    /** Root's rule for what a device may name (a vif's script); path-policy confines other clients before this. */
    private readonly rules?: ConfigRules,
    private readonly registry = new DeviceRegistry(),
  ) {}

  private get hv(): Hypervisor {
    return this.domains.hv;
  }

  /** device_create: the new device in the config (and plugged in when the domain runs); DevController.sxpr of it. */
  create(dom: string | number, config: Sxp): Maybe<Sxp> {
    const asked = deviceConfig(config);
    const cls = String(asked[0]);
    const ctl = this.registry.creatable(cls);
    const { r, target } = this.target(dom);
    const entry = ctl.add(asked, this.context(target));
    if (this.rules) checkDeviceScripts([['device', entry]], this.rules);
    this.change(r, (devices) => [...devices, ['device', entry]]);
    if (target.domid === null) return sxprOf(cls, null, null);
    const domid = target.domid;
    const devid = ctl.number(entry, this.entriesOf(ctl, [...target.devices, entry]).length - 1);
    this.log.info(`Attaching ${cls} ${devid} to domain ${target.name} (${domid})`);
    const undo = (err: unknown): never => {
      // As xend: a device that could not be plugged in leaves the config as it was.
      this.change(this.domains.resolve(dom), (devices) => without(devices, entry));
      throw err;
    };
    try {
      const done = ctl.configOnly ? undefined : this.backend('attachDevice', 'attach devices')(domid, hvDevice(entry, devid));
      const answer = sxprOf(cls, domid, devid);
      return done instanceof Promise ? done.then(() => answer, undo) : answer;
    } catch (err) {
      return undo(err);
    }
  }

  /** device_configure: the change its controller makes of the domain's entries (a CD-ROM's media), passed to the backend while it runs; True. */
  configure(dom: string | number, config: Sxp, dev: number | null): Maybe<boolean> {
    const asked = deviceConfig(config);
    const cls = String(asked[0]);
    const ctl = this.registry.controller(cls);
    const { target } = this.target(dom);
    if (!ctl.configure) throw new XendError(`Refusing to reconfigure device ${cls}:${String(dev ?? 'None')}`);
    const { old, entry, devid } = ctl.configure(asked, dev, this.context(target));
    const device = (e: DeviceEntry | null) => (e ? hvDevice(e, devid) : null);
    const done = target.domid === null || ctl.configOnly ? undefined : this.backend('configureDevice', 'configure devices')(target.domid, device(old), device(entry));
    const save = () => {
      this.change(this.domains.resolve(dom), (devices) => (old ? replaced(devices, old, entry) : [...devices, ['device', entry!]]));
      return true;
    };
    return done instanceof Promise ? done.then(save) : save();
  }

  /**
   * destroyDevice: unplugs a running domain's device; `rmCfg` (xm's detach
   * always asks it) also removes it from the config.
   */
  destroy(dom: string | number, cls: string, dev: string | number, force: boolean, rmCfg: boolean): Maybe<null> {
    const ctl = this.registry.controller(cls);
    const { target } = this.target(dom);
    const devid = ctl.toNumber(dev, this.entriesOf(ctl, target.devices).map((e) => e.entry));
    const found = devid === null ? undefined : this.find(ctl, target, devid, cls);
    if (target.domid !== null && !found) throw new XendError(`Device ${String(devid ?? dev)} not connected`);
    if (!found) {
      if (!rmCfg) return null;
      throw new XendError(`Device ${String(dev)} is not defined`);
    }
    const remove = (fromConfig = rmCfg) => {
      if (fromConfig) this.change(this.domains.resolve(dom), (devices) => without(devices, found.entry));
      return null;
    };
    if (target.domid === null) return remove();
    // Its entry is all there is of the device: unplugged, it is gone.
    if (ctl.configOnly) return remove(true);
    this.log.info(`Detaching ${cls} ${found.devid} from domain ${target.name} (${target.domid})`);
    const done = this.backend('detachDevice', 'detach devices')(target.domid, hvDevice(found.entry, found.devid), force);
    return done instanceof Promise ? done.then(() => remove()) : remove();
  }

  /**
   * getDeviceSxprs: `[[devnum, sxpr], …]` of a class. While the domain runs, the
   * frontend's view as xenstore listed it, the number its key (text); otherwise
   * the config's entries.
   */
  sxprs(dom: string | number, cls: string): Sxp[] {
    const ctl = this.registry.controller(cls);
    const { target } = this.target(dom);
    if (ctl.sxprs) return ctl.sxprs(this.listed(ctl, target, cls), target.domid);
    const domid = target.domid;
    return this.listed(ctl, target, cls).map(({ entry, devid }) => (domid === null ? [devid, entry] : [String(devid), ctl.frontend(entry, devid, domid)]));
  }

  /** getBlockDeviceClass: which of vbd, tap, tap2 holds the disk `dev`; None if none does. */
  blockDeviceClass(dom: string | number, dev: string | number): string | null {
    const ctl = this.registry.controller('vbd');
    const { target } = this.target(dom);
    const devid = ctl.toNumber(dev, []);
    const found = devid === null ? undefined : this.find(ctl, target, devid);
    return found ? String(found.entry[0]) : null;
  }

  /** The domain a device method is for, with its devices; refused while a save or migration holds it. */
  private target(dom: string | number): { r: Resolved; target: DeviceDomain } {
    const r = this.domains.resolve(dom);
    if (r.live) {
      if (r.live.domid === 0) throw new XendError('Domain-0 has no devices this xend manages');
      this.domains.requireIdle(r.live);
      return { r, target: this.liveDomain(r.live) };
    }
    const c = r.managed!.config;
    return { r, target: { name: c.name, uuid: c.uuid, domid: null, devices: bodies(c.devices) } };
  }

  private liveDomain(d: HvDomain): DeviceDomain {
    const plugged = ([PowerState.Running, PowerState.Paused, PowerState.Crashed] as PowerState[]).includes(powerState(d));
    return { name: d.name, uuid: d.uuid, domid: plugged ? d.domid : null, devices: bodies(d.config?.devices ?? []) };
  }

  private context(domain: DeviceDomain): DeviceContext {
    return {
      domain,
      others: () => this.hv.list().flatMap((d) => (d.domid === 0 || d.uuid === domain.uuid ? [] : [this.liveDomain(d)])),
      hostDevices: () => hostDevicesOf(this.hv),
    };
  }

  /** The controller's entries of a domain's devices, in config order, with their numbers. */
  private entriesOf(ctl: DeviceController, devices: readonly DeviceEntry[]): { entry: DeviceEntry; devid: number }[] {
    return devices.filter((d) => ctl.classes.includes(String(d[0]))).map((entry, i) => ({ entry, devid: ctl.number(entry, i) }));
  }

  /** What getDeviceSxprs lists for `cls`: its controller's first class lists all of the controller's, another class itself. */
  private listed(ctl: DeviceController, target: DeviceDomain, cls: string) {
    const all = this.entriesOf(ctl, target.devices);
    return cls === ctl.classes[0] ? all : all.filter((e) => e.entry[0] === cls);
  }

  private find(ctl: DeviceController, target: DeviceDomain, devid: number | null, cls = ctl.classes[0]!) {
    return this.listed(ctl, target, cls).find((e) => e.devid === devid);
  }

  /** A change to the domain's `(device …)` entries, written to its record and the managed store. */
  private change(r: Resolved, devices: (devices: Sxp[]) => Sxp[]): void {
    this.domains.updateConfig(r, (c: VmConfig) => ({ ...c, devices: devices(c.devices) }));
  }

  /** The backend's call, its failures xend's (VmError, fault 2), as DevController raised them. */
  private backend<K extends 'attachDevice' | 'detachDevice' | 'configureDevice'>(call: K, what: string): (...args: Parameters<NonNullable<Hypervisor[K]>>) => void | Promise<void> {
    const fn = this.hv[call] as ((...args: unknown[]) => void | Promise<void>) | undefined;
    if (typeof fn !== 'function') throw new XendError(`The ${this.hv.name} hypervisor backend cannot ${what}`);
    const asXend = (err: unknown): never => {
      throw err instanceof XendError || !(err instanceof Error) ? err : new XendError(err.message);
    };
    return (...args) => {
      try {
        const done = fn.apply(this.hv, args);
        return done instanceof Promise ? done.catch(asXend) : done;
      } catch (err) {
        return asXend(err);
      }
    };
  }
}

/** The `(device …)` bodies of a config's devices. */
function bodies(devices: readonly Sxp[]): DeviceEntry[] {
  return devices.flatMap((d) => (Array.isArray(d) && Array.isArray(d[1]) ? [d[1]] : []));
}

/** A device config as a client sent it: `(class (key value) …)`, bounded. */
function deviceConfig(config: Sxp): DeviceEntry {
  if (!Array.isArray(config) || typeof config[0] !== 'string' || !/^[a-z][a-z0-9_]{0,15}$/.test(config[0])) {
    throw new XendError('Invalid device configuration: expected (class (key value) …)');
  }
  if (depth(config) > MAX_DEVICE_DEPTH) throw new XendError(`Invalid device configuration: nested deeper than ${MAX_DEVICE_DEPTH} levels`);
  checkStrings(config);
  return config;
}

function depth(v: Sxp): number {
  return Array.isArray(v) ? 1 + Math.max(0, ...v.map(depth)) : 0;
}

/** The config's devices without the first `(device …)` whose body is `entry`. */
function without(devices: Sxp[], entry: DeviceEntry): Sxp[] {
  return replaced(devices, entry, null);
}

/** The config's devices with the first `(device …)` whose body is `old` given `entry` as its body (or removed). */
function replaced(devices: Sxp[], old: DeviceEntry, entry: DeviceEntry | null): Sxp[] {
  const key = show(old);
  const at = devices.findIndex((d) => Array.isArray(d) && show(d[1]!) === key);
  if (at < 0) return devices;
  return [...devices.slice(0, at), ...(entry ? [['device', entry]] : []), ...devices.slice(at + 1)];
}

/** DevController.sxpr: what device_create answered. */
function sxprOf(cls: string, domid: number | null, devid: number | null): Sxp {
  return [cls, ['dom', domid, 'id', devid]];
}

/** The device as a backend is handed it: its scalar settings as text. */
function hvDevice(entry: DeviceEntry, devid: number): HvDevice {
  const settings: Record<string, string> = {};
  for (const kv of entry.slice(1)) if (Array.isArray(kv) && typeof kv[0] === 'string' && kv.length === 2 && !Array.isArray(kv[1])) settings[kv[0]] = String(kv[1] ?? '');
  return { deviceClass: String(entry[0]), devid, settings };
}
