import { returns, domain, device, text, token, optInt, flag, op, method } from '../method-spec.js';
import type { Sxp } from '../../sxp/types.js';

/**
 * XendDomainInfo's device methods as XMLRPCServer exported them (xend.domain.*,
 * the domain looked up first), and SrvDomain's ops that made the same calls.
 * A device class is xend's: vbd, tap, tap2, vif, vif2, pci, vscsi, vusb, …
 */
export const DEVICE_METHODS = {
  /** Adds the device to the domain's config (and plugs it in when it runs); the new device's sxpr. */
  device_create: method('xend.domain.device_create', [domain(), device()], returns<Sxp>(), op('device_create')),
  /** Changes an attached device (a CD-ROM's media); `dev` None finds it by the config's `dev`. True. */
  device_configure: method('xend.domain.device_configure', [domain(), device(), optInt('dev')], returns<boolean>(), op('device_configure')),
  /** Unplugs a device (`dev` its number, or for a disk its name); `rm_cfg` also removes it from the config. */
  destroyDevice: method('xend.domain.destroyDevice', [domain(), text('type'), token('dev'), flag('force', false), flag('rm_cfg', false)], returns<unknown>(), op('device_destroy')),
  /** `[[devnum, sxpr], …]` of one class: the frontend's state of a running domain, the config's entries otherwise. */
  getDeviceSxprs: method('xend.domain.getDeviceSxprs', [domain(), text('type')], returns<Sxp[]>(), op('devices')),
  /** Which block class (vbd, tap, tap2) holds the disk `devid`; None when none does. Not in SrvDomain: this suite's server and client know the op, for block-detach over HTTP. */
  getBlockDeviceClass: method('xend.domain.getBlockDeviceClass', [domain(), token('devid')], returns<string | null>(), op('block_device_class')),
};
