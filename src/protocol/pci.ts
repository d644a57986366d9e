/** A PCI function's address, as xm and xend both write it (pci_dict_to_bdf_str): 0000:03:00.0. */
export interface PciAddress {
  domain: number;
  bus: number;
  slot: number;
  func: number;
}

const hex = (n: number | bigint, width: number) => n.toString(16).padStart(width, '0');
/** A PCI address's part as xm and xend write it in a device's SXP: `0x03`, `0x0000` (width in digits). */
export const hex0x = (n: number | bigint, width: number): string => `0x${hex(n, width)}`;

export const pciName = (f: PciAddress): string => `${hex(f.domain, 4)}:${hex(f.bus, 2)}:${hex(f.slot, 2)}.${hex(f.func, 1)}`;
