import { CLOSING, checkHctl, hostOf, vscsiSxp } from './scsi-devices.js';
import { action } from './action.js';

/** `xm scsi-detach DOM VIRT`: the guest's LUN at VIRT goes (its whole host in host mode). */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, virt] = ctx.args as [string, string];
  const config = vscsiSxp(false, [{ devid: hostOf(checkHctl(virt)), pdev: null, pdevname: null, vdev: virt }], CLOSING);
  await client.api.device_configure({ dom, config, dev: null });
});
