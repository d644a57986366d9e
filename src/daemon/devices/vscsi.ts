import { children, childValue } from '../../sxp/index.js';
import { XendError } from '../../protocol/faults.js';
import { HCTL } from '../../hypervisor/host-devices.js';
import { heldAround, scsiTaken } from '../passthrough.js';
import { CONNECTED, passThroughController, type DeviceController, type DeviceEntry, type Numbered } from './controller.js';
import type { Sxp } from '../../sxp/types.js';

/** xenbusState's numbers xm sends and xenstore showed. */
const INITIALISING = 1;
const CLOSING = 5;

/** One LUN of a `(vscsi …)` entry: the host's (p-dev) seen by the guest as v-dev, on its virtual host devid. */
interface Lun {
  devid: number;
  pdev: string;
  pdevname: string;
  vdev: string;
  state: number;
}

function intOf(v: Sxp | undefined, what: string): number {
  const s = String(v ?? '');
  if (!/^\d{1,5}$/.test(s)) throw new XendError(`Invalid vscsi configuration: ${what} ${s.slice(0, 16)}`);
  return Number(s);
}

function readLun(dev: Sxp): Lun {
  const vdev = String(childValue(dev, 'v-dev', ''));
  if (!HCTL.test(vdev)) throw new XendError(`Invalid argument: ${vdev.slice(0, 32)}`);
  const pdev = childValue(dev, 'p-dev', null);
  return {
    devid: intOf(childValue(dev, 'devid'), 'devid'),
    pdev: pdev === null ? '' : String(pdev).slice(0, 32),
    pdevname: String(childValue(dev, 'p-devname', '') ?? '').slice(0, 32),
    vdev,
    state: intOf(childValue(dev, 'state'), 'state'),
  };
}

const lunSxp = (l: Lun): Sxp[] => ['dev', ['state', l.state], ['devid', l.devid], ['p-dev', l.pdev], ['p-devname', l.pdevname], ['v-dev', l.vdev]];
const lunsOf = (entry: DeviceEntry): Lun[] => children(entry, 'dev').map(readLun);
const modeOf = (entry: DeviceEntry): number => intOf(childValue(entry, 'feature-host', 0), 'feature-host');
const backendOf = (entry: DeviceEntry): string => String(childValue(entry, 'backend', '0'));

function entryOf(mode: number, backend: Sxp | null, luns: readonly Lun[]): DeviceEntry {
  return ['vscsi', ['feature-host', mode], ...(backend === null ? [] : [['backend', backend]]), ...luns.map(lunSxp)];
}

/**
 * SCSI pass-through (vscsiif.VSCSIController, XendDomainInfo.vscsi_device_configure):
 * one `(vscsi …)` entry per virtual SCSI host, numbered by it; xm scsi-attach and
 * scsi-detach add and remove LUNs with device_configure's `state`.
 */
export const VSCSI_CONTROLLER: DeviceController = passThroughController('vscsi', {
  add(config, ctx) {
    const mine = ctx.domain.devices.filter((d) => d[0] === 'vscsi');
    const [entry] = VSCSI_CONTROLLER.configureClass!(mine, config, null, ctx).filter((e) => !mine.includes(e));
    if (!entry) throw new XendError('Invalid vscsi configuration: no (dev …)');
    return entry;
  },

  number: (entry) => lunsOf(entry)[0]?.devid ?? 0,

  configureClass(entries, config, _devid, ctx) {
    const luns = lunsOf(config);
    const first = luns[0];
    if (!first) throw new XendError('Invalid vscsi configuration: no (dev …)');
    const current = entries.find((e) => VSCSI_CONTROLLER.number(e, 0) === first.devid);
    const vdevs = luns.map((l) => l.vdev);
    if (first.state === CLOSING) {
      if (!current || !lunsOf(current).some((l) => vdevs.includes(l.vdev))) throw new XendError('Cannot detach vscsi device does not exist');
      // In host mode the whole virtual host goes.
      const left = modeOf(current) === 1 ? [] : lunsOf(current).filter((l) => !vdevs.includes(l.vdev));
      return entries.flatMap((e) => (e !== current ? [e] : left.length ? [entryOf(modeOf(e), childValue(e, 'backend', null), left)] : []));
    }
    if (first.state !== INITIALISING) throw new XendError(`Error configuring device invalid state '${first.state}'`);
    const host = ctx.hostDevices().scsi;
    const taken = heldAround(entries, ctx).scsi;
    for (const l of luns) {
      const lun = host.find((h) => h.hctl === l.pdev);
      if (!lun) throw new XendError(`Cannot find device '${l.pdev}'`);
      if (taken.includes(l.pdev)) throw scsiTaken(l.pdev);
      l.pdevname = lun.devname;
    }
    const mode = modeOf(config);
    if (!current) return [...entries, entryOf(mode, childValue(config, 'backend', null), luns)];
    const defined = lunsOf(current).find((l) => vdevs.includes(l.vdev));
    if (defined) throw new XendError(`The virtual device "${defined.vdev}" is already defined`);
    if (mode !== modeOf(current)) throw new XendError(`The physical device "${first.pdev}" cannot define because mode is different`);
    if (childValue(config, 'backend', null) !== null && backendOf(config) !== backendOf(current)) {
      throw new XendError(`The physical device "${first.pdev}" cannot define because backend is different`);
    }
    return entries.map((e) => (e === current ? [...e, ...luns.map(lunSxp)] : e));
  },

  /**
   * getDeviceSxprs('vscsi'): `[devid, [(devs (dev …) …) …]]`, the backend's view
   * (every LUN connected) while the domain runs, the config's otherwise.
   */
  sxprs(listed: readonly Numbered[], domid: number | null) {
    return listed.map(({ entry, devid }): Sxp => {
      const mode = modeOf(entry);
      if (domid === null) return [devid, [['devs', lunsOf(entry).map((l) => [...lunSxp(l), ['frontstate', null]])], ['feature-host', mode]]];
      const luns = lunsOf(entry).map((l) => ['dev', ['state', CONNECTED], ['devid', String(l.devid)], ['p-dev', l.pdev], ['p-devname', l.pdevname], ['v-dev', l.vdev], ['frontstate', CONNECTED]]);
      return [
        devid,
        [['devs', luns], ['state', CONNECTED], ['feature-host', String(mode)], ['backend-id', backendOf(entry)], ['backend', `/local/domain/0/backend/vscsi/${domid}/${devid}`]],
      ];
    });
  },
});
