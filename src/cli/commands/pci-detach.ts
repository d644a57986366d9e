import { UsageError } from '../errors.js';
import { AUTO_PHP_SLOT, PCI_SLOT, attachedPci, bdf, parsePciName, pciSxp, samePci, type PciDev } from './pci-devices.js';
import { action } from './action.js';
import { hex0x } from '../../protocol/pci.js';

/** The virtual slot a function is in (or the automatic one): all of a device's functions go together. */
const slotOf = (d: PciDev) => {
  const vdevfn = Number.parseInt(d.vdevfn, 16);
  return PCI_SLOT(vdevfn) | (vdevfn & AUTO_PHP_SLOT);
};

/** `xm pci-detach DOM BDF`: every function of the slot, as xm_pci_detach checked and sent them. */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, name] = ctx.args as [string, string];
  const devs = parsePciName(name);
  const attachedAll = await attachedPci(client, dom);
  const attached = devs.map((d) => {
    const found = attachedAll.find((a) => samePci(a, d));
    if (!found) throw new UsageError(`pci: device ${bdf(d)} is not attached!`);
    return found;
  });
  const slots = attached.map(slotOf);
  if (new Set(slots).size > 1) {
    const where = devs.map((d) => `\t${bdf(d)} is in slot ${hex0x(PCI_SLOT(Number.parseInt(d.vdevfn, 16)), 2)}\n`).join('');
    throw new UsageError(`More than one slot used by specified devices\n${where}`);
  }
  const inSlot = attached.filter((a) => slotOf(a) === slots[0] && a.key === attached[0]!.key);
  if (inSlot.length !== devs.length) {
    const requested = devs.map((d) => `\t${bdf(d)}\n`).join('');
    const present = inSlot.map((d) => `\t${bdf(d)} (${d.key})\n`).join('');
    throw new UsageError(`Not all functions in slot ${hex0x(slots[0]!, 2)} have had detachment requested.\nRequested:\n${requested}Present:\n${present}`);
  }
  for (const d of devs) await client.api.device_configure({ dom, config: pciSxp(d, 'Closing'), dev: null });
});
