import { CliError } from '../errors.js';
import { controllers } from './usb-devices.js';
import { pairValue } from '../../sxp/access.js';
import { action } from './action.js';

/** vusb_util's bus ids, as xm usb-attach matched them. */
const BUSID = /^([0-9]{1,2})[-,]([0-9]{1,2})(([.,][0-9]{1,2}){0,5})$/;

/**
 * `xm usb-attach DOM DEVID PORT BUSID`: the host's USB device on BUSID plugged into
 * root port PORT of the guest's virtual host controller DEVID. xm's own checks first;
 * xend refuses a bus another port holds and a port already given one.
 */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, dev, port, bus] = ctx.args as [string, string, string, string];
  const devid = ctx.params.number('DevId')!;
  const hc = (await controllers(client, dom)).find(([id]) => Number(id) === devid);
  // xm printed these on stdout and exited 0; see xm(1) DEVIATIONS.
  if (!hc) throw new CliError(`Cannot find device '${dev}' in domain '${dom}'`);
  const portNumber = ctx.params.number('PortNumber')!;
  if (portNumber < 1 || portNumber > Number(pairValue(hc[1], 'num-ports') ?? 0)) throw new CliError(`Invalid Port Number '${port}'`);
  if (!BUSID.test(bus)) throw new CliError(`Invalid Busid '${bus}'`);
  await client.api.device_configure({ dom, config: ['vusb', ['port', [port, bus]]], dev: devid });
});
