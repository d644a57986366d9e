import type { Sxp } from '../../sxp/types.js';
import { MAC_ADDRESS } from '../../config/domain-limits.js';
import type { HvDevice } from '../types.js';
import type { XlDomainConfig } from './parse.js';
import { diskSpec, diskTarget, vifParts, virtualDisk, XenConfigError } from './xlcfg.js';

/**
 * xl's argument words for xend's device hotplug (block-attach/-detach,
 * network-attach/-detach, cd-insert/-eject). Each value goes in an argument of
 * its own (never through a shell), checked first: a disk spec's `target=` takes
 * the rest of its argument, so only what no argument may hold (a control
 * character: a newline ends a spec) is refused there; every other value is
 * held to a pattern that has no comma or `=`.
 */

/** The device classes xl attaches as disks (xend's vbd and its tap variants). */
export const DISK_CLASSES = ['vbd', 'tap', 'tap2'];

const isDisk = (d: HvDevice) => DISK_CLASSES.includes(d.deviceClass);

export function attachArgs(domid: number, d: HvDevice): string[] {
  if (isDisk(d)) {
    if (virtualDisk(d.settings.dev ?? '').cdrom) {
      throw new XenConfigError('the xen backend cannot hot-plug a CD-ROM drive: give the drive in the domain config, and change its media with block-configure');
    }
    plain(d.settings.uname ?? '', 'disk');
    return ['block-attach', String(domid), diskSpec(entryOf(d))];
  }
  if (d.deviceClass === 'vif') return ['network-attach', String(domid), ...vifParts(entryOf(d))];
  throw unsupported(d);
}

/** block-detach by the disk's name (`-f` does not wait for the guest), network-detach by the MAC xend gave the interface. */
export function detachArgs(domid: number, d: HvDevice, force: boolean): string[] {
  if (isDisk(d)) return ['block-detach', ...(force ? ['-f'] : []), String(domid), virtualDisk(d.settings.dev ?? '').vdev];
  if (d.deviceClass === 'vif') {
    const mac = d.settings.mac;
    if (mac !== undefined && !MAC_ADDRESS.test(mac)) throw new XenConfigError(`vif mac "${mac.slice(0, 32)}" is not valid`);
    return ['network-detach', String(domid), mac ?? String(d.devid)];
  }
  throw unsupported(d);
}

/** block-configure of a CD-ROM drive: its new disc (cd-insert), or none (cd-eject). xl does it for HVM guests only. */
export function mediaArgs(domid: number, after: HvDevice): string[] {
  if (!isDisk(after)) throw new XenConfigError(`the xen backend cannot reconfigure a ${after.deviceClass.slice(0, 16)} device`);
  const { vdev, cdrom } = virtualDisk(after.settings.dev ?? '');
  if (!cdrom) throw new XenConfigError(`the xen backend changes media only in a CD-ROM drive; ${vdev} is a disk`);
  const uname = after.settings.uname ?? '';
  if (!uname) return ['cd-eject', String(domid), vdev];
  return ['cd-insert', String(domid), vdev, plain(diskTarget(uname).target, 'disk')];
}

/** The device's settings as the `(class (key value) …)` entry xlcfg reads. */
function entryOf(d: HvDevice): Sxp[] {
  return [d.deviceClass, ...Object.entries(d.settings).map(([k, v]): Sxp[] => [k, v])];
}

/** A value for one of xl's arguments: refused if it holds a control character, which ends a spec line. */
function plain(value: string, what: string): string {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(value)) throw new XenConfigError(`${what} ${JSON.stringify(value.slice(0, 64))} contains a control character, which xl cannot take`);
  return value;
}

function unsupported(d: HvDevice): XenConfigError {
  return new XenConfigError(`device class '${d.deviceClass.slice(0, 32)}' is not supported by the xen backend`);
}

/**
 * The `(device …)` entries of a domain xl built, from `xl list -l`: xend's
 * view of its disks (phy: for a device, file: or tap:<format>: for a file) and
 * interfaces, which block-list and network-list show.
 */
export function foreignDevices(long: XlDomainConfig | undefined): Sxp[] {
  const disks = (long?.disks ?? []).map((d): Sxp => {
    const kind = d.target.startsWith('/dev/') ? 'phy' : d.format === 'raw' ? 'file' : `tap:${d.format}`;
    return ['device', ['vbd', ['uname', d.target ? `${kind}:${d.target}` : ''], ['dev', d.cdrom ? `${d.vdev}:cdrom` : d.vdev], ['mode', d.writable ? 'w' : 'r']]];
  });
  const nics = (long?.nics ?? []).map((n): Sxp => ['device', ['vif', ['mac', n.mac], ...(n.bridge ? [['bridge', n.bridge]] : [])]]);
  return [...disks, ...nics];
}
