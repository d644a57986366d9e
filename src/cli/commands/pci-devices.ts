import { InvalidValueError } from '../values.js';
import { UsageError } from '../errors.js';
import { hex0x, pciName, type PciAddress } from '../../protocol/pci.js';
import type { XendClient } from '../../client/xend-client.js';
import type { Sxp } from '../../sxp/types.js';
import { pairValue } from '../../sxp/access.js';

/**
 * What pci-attach, pci-detach and pci-list share: xen.util.pci's parsing of a
 * BDF with its functions, virtual slot and options, and the attached list
 * read from getDeviceSxprs(dom, 'pci') (a list of structs, as xend sent it).
 */

/** xend's AUTO_PHP_SLOT: no virtual slot chosen, the device model picks one. */
export const AUTO_PHP_SLOT = 0x100;
export const PCI_SLOT = (devfn: number) => (devfn >> 3) & 0x1f;
export const PCI_FUNC = (devfn: number) => devfn & 0x7;
export const PCI_DEVFN = (slot: number, func: number) => ((slot & 0x1f) << 3) | (func & 0x07);

/** One function as xm handles it: hex strings, as pci.py kept them. */
export interface PciDev {
  domain: string;
  bus: string;
  slot: string;
  func: string;
  vdevfn: string;
  key: string;
  opts?: [string, string][];
}

/** A hex field of xend's device SXP (`0x03` or `03`) as a number; anything else is an invalid value. */
const int16 = (s: string): number => {
  if (!/^\s*(0x)?[0-9a-f]+\s*$/i.test(s)) throw new InvalidValueError();
  return Number.parseInt(s, 16);
};

/** pci_dict_to_bdf_str: 0000:03:00.0 */
export const bdf = (d: PciDev): string => pciName({ domain: int16(d.domain), bus: int16(d.bus), slot: int16(d.slot), func: int16(d.func) });

/** pci_dict_cmp: the same physical function. */
export const samePci = (a: PciDev, b: PciDev): boolean => (['domain', 'bus', 'slot', 'func'] as const).every((k) => int16(a[k]) === int16(b[k]));

// parse_pci_name_extended's pattern, verbatim ([,-=] is a range from ',' to '=', as in Python).
const PCI_NAME = /^(([0-9a-fA-F]{1,4})[:,])?([0-9a-fA-F]{1,2})[:,]([0-9a-fA-F]{1,2})[.,](\*|[0-7]([,-=][0-7])*)(@([01]?[0-9a-fA-F]))?(,(.*))?$/;
const AUTO = 1;
const MANUAL = 2;
type Func = [physical: number, virtual: number, how: number];

function pfuncVfunc(s: string): Func {
  const parts = s.split('=');
  if (parts.length > 2) throw new UsageError(`Invalid function: ${s}`);
  const p = int16(parts[0]!);
  if (p > 7) throw new UsageError(`Invalid physical function in: ${s}`);
  if (parts.length === 1) return [p, p, AUTO];
  const v = int16(parts[1]!);
  if (v > 7) throw new UsageError(`Invalid virtual function in: ${s}`);
  return [p, v, MANUAL];
}

const funcRange = (a: number, b: number): number => Math.abs(b - a) + 1;
const rangeFrom = (a: number, b: number, i: number) => (b >= a ? a + i : a - i);

function funcList(name: string, field: string, hostFuncs: () => number[]): Func[] {
  const list = field.split(',').flatMap((part): Func[] => {
    if (part === '*') return hostFuncs().map((f) => [f, f, AUTO]);
    const ends = part.split('-').map(pfuncVfunc);
    if (ends.length === 1) return ends;
    if (ends.length !== 2) return [];
    const [a, b] = ends as [Func, Func];
    const n = funcRange(a[0], b[0]);
    if (n !== funcRange(a[1], b[1])) throw new UsageError(`Invalid range in: ${part}`);
    return Array.from({ length: n }, (_, i): Func => [rangeFrom(a[0], b[0], i), rangeFrom(a[1], b[1], i), MANUAL]);
  });
  const unique = (k: 0 | 1) => new Set(list.map((f) => f[k])).size === list.length;
  if (!unique(0) || !unique(1)) throw new UsageError(`Duplicate functions: ${name}`);
  return list;
}

const PCI_OPTS = ['msitranslate', 'power_mgmt'];

/** pci.py's split_pci_opts and check_pci_opts. */
function parseOpts(text: string): [string, string][] {
  return text
    .split(',')
    .filter((o) => o !== '')
    .map((o) => {
      const [k, v, ...rest] = o.split('=');
      if (v === undefined || rest.length || !PCI_OPTS.includes(k!) || !['0', '1', 'yes', 'no'].includes(v.toLowerCase())) {
        throw new UsageError(`Invalid pci option ${k}=${v ?? ''}: `);
      }
      return [k!, v];
    });
}

/**
 * parse_pci_name_extended: each function a BDF names (`03:00.0`, `0000:04:00.0-1`,
 * `04:00.*`, `@5` a virtual slot, `,msitranslate=1` options), virtual function 0 last.
 * `hostFuncs` gives the host's functions of that slot, for `*`.
 */
export function parsePciName(name: string, host: readonly PciAddress[] = []): PciDev[] {
  const m = PCI_NAME.exec(name);
  if (!m) throw new UsageError(`Failed to parse pci device: ${name}`);
  const template = { domain: hex0x(m[2] ? Number.parseInt(m[2], 16) : 0, 4), bus: hex0x(Number.parseInt(m[3]!, 16), 2), slot: hex0x(Number.parseInt(m[4]!, 16), 2) };
  const opts = m[10] ? parseOpts(m[10]) : undefined;
  const hostFuncs = () => host.filter((h) => (['domain', 'bus', 'slot'] as const).every((k) => h[k] === Number.parseInt(template[k], 16))).map((h) => h.func);
  let funcs = funcList(name, m[5]!, hostFuncs);
  if (funcs.length === 0) return [];
  if (!funcs.some((f) => f[1] === 0)) {
    const auto = funcs.filter((f) => f[2] === AUTO).sort((x, y) => x[1] - y[1]);
    if (!auto.length) throw new UsageError(`Virtual device does not include virtual function 0: ${name}`);
    auto[0] = [auto[0]![0], 0, AUTO];
    funcs = [...auto, ...funcs.filter((f) => f[2] === MANUAL)];
  }
  // Virtual function 0 last: the guest hears of the slot's change through it.
  funcs.sort((x, y) => PCI_FUNC(y[1]) - PCI_FUNC(x[1]));
  return funcs.map(([p, v]) => ({
    ...template,
    key: name.split(',')[0]!,
    ...(opts && { opts }),
    func: hex0x(p, 1),
    vdevfn: hex0x(m[8] === undefined ? AUTO_PHP_SLOT | v : PCI_DEVFN(Number.parseInt(m[8], 16), v), 2),
  }));
}

/** xend.node.pciinfo: the assignable functions no domain holds; null when the host has no pciback. */
export async function assignablePci(client: XendClient): Promise<PciAddress[] | null> {
  const devs = (await client.api.pciinfo()) as Sxp[][] | null;
  if (devs === null) return null;
  const field = (d: Sxp[], k: string, dflt: number) => {
    const v = pairValue(d, k);
    return v === undefined ? dflt : Number.parseInt(String(v), 16);
  };
  return devs.map((d) => ({ domain: field(d, 'domain', 0), bus: field(d, 'bus', -1), slot: field(d, 'slot', -1), func: field(d, 'func', -1) }));
}

/** pci_convert_dict_to_sxp: `(pci (dev (domain …) … ) (state Initialising))`, what device_configure takes. */
export function pciSxp(d: PciDev, state: 'Initialising' | 'Closing'): Sxp {
  const dev: Sxp[] = ['dev', ['domain', d.domain], ['bus', d.bus], ['slot', d.slot], ['func', d.func], ['vdevfn', d.vdevfn], ['key', d.key]];
  for (const o of d.opts ?? []) dev.push(['opts', [...o]]);
  return ['pci', dev, ['state', state]];
}

/** attached_pci_dict: the domain's functions as getDeviceSxprs gave them, hex strings normalised. */
export async function attachedPci(client: XendClient, dom: string): Promise<PciDev[]> {
  const devs = (await client.api.getDeviceSxprs({ dom, type: 'pci' })) as unknown as Record<string, string>[];
  return devs.map((x) => ({
    domain: hex0x(int16(x.domain!), 4),
    bus: hex0x(int16(x.bus!), 2),
    slot: hex0x(int16(x.slot!), 2),
    func: hex0x(int16(x.func!), 1),
    vdevfn: hex0x(int16(x.vdevfn!), 2),
    key: String(x.key),
  }));
}
