import { assignablePci } from './pci-devices.js';
import { pciName } from '../../protocol/pci.js';
import type { CommandContext } from '../context.js';

interface Assignable {
  /** Null when the host has no pciback (xend's None). */
  devices: string[] | null;
}

/** `xm pci-list-assignable-devices`: the functions pciback or pci-stub own that no domain holds. */
export async function run(ctx: CommandContext): Promise<Assignable> {
  const devs = await assignablePci(ctx.client());
  return { devices: devs && devs.map(pciName) };
}

/** xm printed its complaint about pciback on stdout and exited 0. */
export const text = (d: Assignable): string => (d.devices === null ? 'Error: pciback/pci-stub not loaded?\n' : d.devices.map((x) => `${x}\n`).join(''));
