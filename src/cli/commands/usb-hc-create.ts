import { action } from './action.js';
import type { Sxp } from '../../sxp/types.js';

/** `xm usb-hc-create DOM VERSION PORTS`: a new virtual USB host controller, its root ports empty. */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, ver, num] = ctx.args as [string, string, string];
  const ports: Sxp[] = ['port'];
  for (let i = 1; i <= ctx.params.number('NumberOfPorts')!; i++) ports.push([String(i), '']);
  await client.api.device_create({ dom, config: ['vusb', ['usb-ver', ver], ['num-ports', num], ports] });
});
