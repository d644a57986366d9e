import { AUTO_PHP_SLOT, PCI_FUNC, PCI_SLOT, attachedPci, bdf } from './pci-devices.js';
import { oneDomain } from './device-words.js';
import { pciTable, type PciRow } from '../render/passthrough.js';
import type { CommandContext } from '../context.js';

/** `xm pci-list DOM`: the domain's functions, by virtual slot then address. */
export async function run(ctx: CommandContext): Promise<{ devices: PciRow[] }> {
  const dom = oneDomain(ctx);
  const devs = await attachedPci(ctx.client(), dom);
  const order = (d: (typeof devs)[number]) => {
    const v = Number.parseInt(d.vdevfn, 16);
    return [v - PCI_FUNC(v), Number.parseInt(bdf(d).replace(/[:.]/g, ''), 16)] as const;
  };
  devs.sort((a, b) => order(a)[0] - order(b)[0] || order(a)[1] - order(b)[1]);
  return {
    devices: devs.map((d) => {
      const v = Number.parseInt(d.vdevfn, 16);
      const vdev = v & AUTO_PHP_SLOT ? null : `${PCI_SLOT(v).toString(16).padStart(2, '0')}.${PCI_FUNC(v).toString(16)}`;
      return { device: bdf(d), vdev, key: d.key };
    }),
  };
}

export const text = ({ devices }: { devices: PciRow[] }): string => pciTable(devices);
