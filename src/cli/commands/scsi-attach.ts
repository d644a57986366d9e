import { UsageError } from '../errors.js';
import { INITIALISING, checkHctl, findLun, hostLuns, hostOf, vscsiSxp } from './scsi-devices.js';
import { action } from './action.js';

/**
 * `xm scsi-attach DOM PHYS VIRT [BACKDOMAIN]`: a host LUN (by HCTL or /dev node) as
 * the guest's VIRT, or with VIRT `host` every LUN of its host in host mode.
 */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, phys, virt, backend] = ctx.args as [string, string, string, string?];
  const hostMode = virt === 'host';
  if (!hostMode) checkHctl(virt);
  const luns = await hostLuns(client);
  const lun = findLun(luns, phys);
  if (!lun) throw new UsageError(`Cannot find device '${phys}'`);
  const attached = hostMode
    ? luns.filter((l) => hostOf(l.hctl) === hostOf(lun.hctl)).map((l) => ({ devid: hostOf(lun.hctl), pdev: l.hctl, pdevname: l.devname, vdev: l.hctl }))
    : [{ devid: hostOf(virt), pdev: lun.hctl, pdevname: lun.devname, vdev: virt }];
  await client.api.device_configure({ dom, config: vscsiSxp(hostMode, attached, INITIALISING, backend), dev: null });
});
