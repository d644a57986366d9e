import type { QmpClient } from './qmp.js';
import type { HvDevice } from '../types.js';
import { blockdevOf, bridgeExists, deviceIds } from './cmdline.js';
import { splitDev } from '../block-number.js';
import { UnsupportedConfig } from './errors.js';
import { macAddress } from './values.js';

/** How long a guest may take to let go of a device it is asked to release (ACPI PCI hot-unplug). */
const UNPLUG_MS = 15_000;

const isDisk = (d: HvDevice) => ['vbd', 'tap', 'tap2'].includes(d.deviceClass);

/** The QEMU ids of the device: disks of every block class are `vbd-<number>`, as the command line names them. */
function idsOf(d: HvDevice): { device: string; backend: string } {
  if (isDisk(d)) return deviceIds('vbd', d.devid, '');
  if (d.deviceClass === 'vif') return deviceIds('vif', d.devid, d.settings.mac ?? '');
  throw new UnsupportedConfig(`device class '${d.deviceClass}' is not supported by the qemu backend`);
}

/** block-attach (blockdev-add + a virtio disk) and network-attach (netdev_add + a virtio NIC), undone if the device cannot be added. */
export async function plug(q: QmpClient, d: HvDevice): Promise<void> {
  const ids = idsOf(d);
  if (isDisk(d)) {
    if (splitDev(d.settings.dev ?? '').type === 'cdrom') {
      throw new UnsupportedConfig('the qemu backend cannot hot-plug a CD-ROM drive: give the drive in the domain config, and change its media with block-configure');
    }
    await q.execute('blockdev-add', blockdevOf(d.settings.uname ?? '', d.settings.mode ?? 'r', ids.backend));
    await addDevice(q, { driver: 'virtio-blk-pci', drive: ids.backend, id: ids.device }, () => q.execute('blockdev-del', { 'node-name': ids.backend }));
    return;
  }
  const mac = macAddress(d.settings.mac ?? '');
  const bridge = d.settings.bridge ?? '';
  await q.execute('netdev_add', bridgeExists(bridge) ? { type: 'bridge', id: ids.backend, br: bridge } : { type: 'user', id: ids.backend, restrict: true });
  await addDevice(q, { driver: 'virtio-net-pci', netdev: ids.backend, id: ids.device, mac }, () => q.execute('netdev_del', { id: ids.backend }));
}

async function addDevice(q: QmpClient, device: Record<string, unknown>, undo: () => Promise<unknown>): Promise<void> {
  try {
    await q.execute('device_add', device);
  } catch (err) {
    await undo().catch(() => undefined);
    throw err;
  }
}

/**
 * block-detach, network-detach: device_del, then once the guest let go
 * (DEVICE_DELETED) its disk node or netdev is removed too. `force` does not wait
 * for the guest; what backs the device then stays until QEMU ends.
 */
export async function unplug(q: QmpClient, d: HvDevice, force: boolean): Promise<void> {
  const ids = idsOf(d);
  const backend = await q.execute<string>('qom-get', { path: `/machine/peripheral/${ids.device}`, property: isDisk(d) ? 'drive' : 'netdev' }).catch(() => '');
  const gone = deleted(q, ids.device);
  try {
    await q.execute('device_del', { id: ids.device });
  } catch (err) {
    gone.cancel();
    throw err;
  }
  if (force) return gone.cancel();
  await gone.done;
  if (!backend) return;
  await (isDisk(d) ? q.execute('blockdev-del', { 'node-name': backend }) : q.execute('netdev_del', { id: backend }));
}

/** The DEVICE_DELETED event of `id`, or a refusal naming it once the guest has kept it too long. */
function deleted(q: QmpClient, id: string): { done: Promise<void>; cancel(): void } {
  let cancel = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const onEvent = (name: string, data: { device?: string }) => {
      if (name !== 'DEVICE_DELETED' || data.device !== id) return;
      cancel();
      resolve();
    };
    const timer = setTimeout(() => {
      cancel();
      reject(new Error(`the guest did not release ${id} within ${UNPLUG_MS / 1000} s (block-detach -f leaves it to the guest)`));
    }, UNPLUG_MS);
    cancel = () => {
      clearTimeout(timer);
      q.off('event', onEvent);
    };
    q.on('event', onEvent);
  });
  return { done, cancel: () => cancel() };
}

/** block-configure: new media in a CD-ROM drive (blockdev-change-medium), or none (eject). */
export async function changeMedia(q: QmpClient, d: HvDevice): Promise<void> {
  const { device } = idsOf(d);
  const uname = d.settings.uname ?? '';
  if (!uname) {
    await q.execute('eject', { id: device, force: true });
    return;
  }
  const { file } = blockdevOf(uname, 'r', 'media') as { file: { filename: string } };
  await q.execute('blockdev-change-medium', { id: device, filename: file.filename, format: 'raw', 'read-only-mode': 'read-only' });
}
