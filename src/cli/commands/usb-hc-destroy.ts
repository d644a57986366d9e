import { action } from './action.js';

/** `xm usb-hc-destroy DOM DEVID`: the virtual USB host controller goes, its devices back to the host. */
export const { run, text, json } = action(async (client, { args: [dom, dev] }) => {
  await client.api.destroyDevice({ dom: dom!, type: 'vusb', dev: dev!, force: false, rm_cfg: false });
});
