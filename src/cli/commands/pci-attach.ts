import { UsageError } from '../errors.js';
import { AUTO_PHP_SLOT, PCI_DEVFN, PCI_FUNC, PCI_SLOT, assignablePci, attachedPci, bdf, parsePciName, pciSxp, samePci, type PciDev } from './pci-devices.js';
import { action } from './action.js';
import { hex0x } from '../../protocol/pci.js';

/**
 * `xm pci-attach [-o KEY=VALUE] DOM BDF [VSLOT]`: each function the BDF names,
 * virtual function 0 last, through device_configure as xm_pci_attach did.
 */
export const { run, text, json } = action(async (client, ctx) => {
  const [dom, name, vslot] = ctx.args as [string, string, string?];
  const opt = ctx.opts.string('options');
  if (opt !== undefined && opt.split('=').length !== 2) throw new UsageError(`Invalid pci attach option: ${opt}`);
  const full = `${name}${vslot === undefined ? '' : `@${vslot}`}${opt === undefined ? '' : `,${opt}`}`;
  // `*` means every function of the slot the host has: those it can give.
  const devs = parsePciName(full, full.includes('*') ? ((await assignablePci(client)) ?? []) : []);
  const attached = await attachedPci(client, dom);
  const clash = devs.find((d) => attached.some((a) => samePci(a, d)));
  if (clash) throw new UsageError(`pci: device ${bdf(clash)} has been attached! `);
  const [head, ...rest] = devs;
  if (!head) throw new UsageError(`Failed to parse pci device: ${full}`);
  const attach = (d: PciDev) => client.api.device_configure({ dom, config: pciSxp(d, 'Initialising'), dev: null });
  await attach(head);
  // The other functions go in the slot the device model gave the first, unless one was asked.
  if (rest.length && Number.parseInt(head.vdevfn, 16) & AUTO_PHP_SLOT) {
    const placed = (await attachedPci(client, dom)).find((a) => samePci(a, head));
    if (!placed) throw new UsageError(`pci: device ${bdf(head)} is not attached!`);
    const vdevfn = Number.parseInt(placed.vdevfn, 16);
    if (!(vdevfn & AUTO_PHP_SLOT)) {
      for (const d of rest) d.vdevfn = hex0x(PCI_DEVFN(PCI_SLOT(vdevfn), PCI_FUNC(Number.parseInt(d.vdevfn, 16))), 2);
    }
  }
  for (const d of rest) await attach(d);
});
