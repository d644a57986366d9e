import { randomInt, randomUUID } from 'node:crypto';
import { XendError } from '../../protocol/faults.js';
import { vifSettings } from '../../vm/config-limits.js';
import { CONNECTED, backendId, backendPath, pairs, plainNumber, setting, withSetting, type DeviceController, type DeviceEntry } from './controller.js';

/** netif.randomMAC: Xensource's prefix 00:16:3e, then three random bytes, the first below 0x80. */
export function randomMac(): string {
  return [0x00, 0x16, 0x3e, randomInt(0x80), randomInt(0x100), randomInt(0x100)].map((b) => b.toString(16).padStart(2, '0')).join(':');
}

const MAC = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i;

/** XendDomainInfo.device_create's own check of a new vif, before anything else looks at it. */
export function checkVifMac(config: DeviceEntry): void {
  const mac = setting(config, 'mac');
  if (config[0] === 'vif' && mac !== undefined && !MAC.test(mac)) throw new XendError('Cannot create a new virtual network interface - MAC address is not valid!');
}

/** The entry with a uuid, as XendConfig.device_add gave every device. */
const withUuid = (entry: DeviceEntry): DeviceEntry => (setting(entry, 'uuid') ? entry : withSetting(entry, 'uuid', randomUUID()));

/** The domain's interfaces of the class, in order: a vif's number is its place among them (netif.convertToDeviceNumber). */
const ofClass = (devices: readonly DeviceEntry[], cls: string) => devices.filter((d) => d[0] === cls);

/** A small number that differs per interface, for the ring references and event channel a frontend shows. */
const ring = (devid: number, n: number) => String(768 + devid * 3 + n);

/** Virtual network interfaces (xend's NetifController): numbered 0, 1, … in the config's order; a MAC once per domain. */
export const VIF_CONTROLLER: DeviceController = {
  classes: ['vif'],

  add(config, ctx) {
    checkVifMac(config);
    const mac = setting(config, 'mac');
    let entry: DeviceEntry = ['vif', ...pairs(config)];
    vifSettings(entry);
    if (!mac) entry = withSetting(entry, 'mac', randomMac());
    const wanted = String(setting(entry, 'mac')).toLowerCase();
    for (const other of ofClass(ctx.domain.devices, 'vif')) {
      if (String(setting(other, 'mac') ?? '').toLowerCase() === wanted) throw new XendError(`The mac "${String(setting(entry, 'mac'))}" is already defined`);
    }
    return withUuid(entry);
  },

  number: (_entry, index) => index,

  toNumber(dev, entries) {
    const n = plainNumber(dev);
    if (n !== null) return n;
    const at = entries.findIndex((e) => String(setting(e, 'mac') ?? '').toLowerCase() === String(dev).toLowerCase());
    if (at < 0) throw new XendError(`unknown devid ${String(dev)}`);
    return at;
  },

  frontend(entry, devid, domid) {
    const common = [['backend-id', backendId(entry)], ['state', CONNECTED], ['backend', backendPath(entry, domid, devid)]];
    // An emulated NIC (type=ioemu) has no netfront: xend wrote no mac or handle for it.
    if (setting(entry, 'type') === 'ioemu') return common;
    return [
      common[0]!,
      ['mac', String(setting(entry, 'mac') ?? '')],
      ['handle', String(devid)],
      ...common.slice(1),
      ['tx-ring-ref', ring(devid, 0)],
      ['rx-ring-ref', ring(devid, 1)],
      ['event-channel', String(10 + devid)],
      ['request-rx-copy', '1'],
      ['feature-rx-notify', '1'],
      ['feature-sg', '1'],
      ['feature-gso-tcpv4', '1'],
    ];
  },
};

/**
 * Version-2 interfaces (netif2, xm network2-*): a front and a back MAC, made up
 * when not given (the back one fe:ff:ff:ff:ff:ff on a bridge), kept in the config.
 */
export const VIF2_CONTROLLER: DeviceController = {
  classes: ['vif2'],

  add(config) {
    let entry: DeviceEntry = ['vif2', ...pairs(config)];
    for (const key of ['front_mac', 'back_mac']) {
      const mac = setting(entry, key);
      if (mac !== undefined && !MAC.test(mac)) throw new XendError(`Invalid ${key}: ${JSON.stringify(mac)}: six hex pairs, as 00:16:3e:01:02:03`);
    }
    if (!setting(entry, 'back_mac')) entry = withSetting(entry, 'back_mac', setting(entry, 'bridge') ? 'fe:ff:ff:ff:ff:ff' : randomMac());
    if (!setting(entry, 'front_mac')) entry = withSetting(entry, 'front_mac', randomMac());
    vifSettings(['vif2', ...(setting(entry, 'bridge') ? [['bridge', String(setting(entry, 'bridge'))]] : [])]);
    return withUuid(entry);
  },

  number: (_entry, index) => index,

  toNumber: (dev) => plainNumber(dev),

  frontend(entry, devid, domid) {
    const frontTrusted = setting(entry, 'trusted') ?? '0';
    const backTrusted = setting(entry, 'back_trusted') ?? '1';
    return [
      ['backend-id', backendId(entry)],
      ['mac', String(setting(entry, 'front_mac'))],
      ['remote-mac', String(setting(entry, 'back_mac'))],
      ['local-trusted', frontTrusted],
      ['remote-trusted', backTrusted],
      ['filter-mac', setting(entry, 'front_filter_mac') ?? (backTrusted === '0' ? '1' : '0')],
      ['state', CONNECTED],
      ['backend', backendPath(entry, domid, devid)],
    ];
  },
};
