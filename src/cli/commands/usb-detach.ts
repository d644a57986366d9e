import { action } from './action.js';

/** `xm usb-detach DOM DEVID PORT`: root port PORT of host controller DEVID gives its USB device back to the host. */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, dev, port] = ctx.args as [string, string, string];
  await client.api.device_configure({ dom, config: ['vusb', ['port', [port, '']]], dev: Number(dev) });
});
