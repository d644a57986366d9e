import { randomUUID } from 'node:crypto';
import { children, childValue } from '../../sxp/index.js';
import { XendError } from '../../protocol/faults.js';
import { pciName } from '../../hypervisor/host-devices.js';
import { checkPciFunction, heldAround } from '../passthrough.js';
import { passThroughController, type DeviceContext, type DeviceEntry, type Numbered } from './controller.js';
import type { Sxp } from '../../sxp/types.js';
import { hex0x } from '../../protocol/pci.js';

/** xend's AUTO_PHP_SLOT: the device model chooses the virtual slot. */
const AUTO_PHP_SLOT = 0x100;

/** One function as the config keeps it under `(pci (dev …) …)`. */
interface PciFunc {
  domain: number;
  bus: number;
  slot: number;
  func: number;
  vdevfn: number;
  key: string;
  uuid: string;
  opts: Sxp[];
}

const LIMITS = { domain: 0xffff, bus: 0xff, slot: 0x1f, func: 7, vdevfn: 0x1ff } as const;

function hexField(dev: Sxp, key: keyof typeof LIMITS, dflt?: number): number {
  const raw = childValue(dev, key, null);
  if (raw === null && dflt !== undefined) return dflt;
  const s = String(raw ?? '');
  const n = /^(0x)?[0-9a-f]{1,4}$/i.test(s) ? Number.parseInt(s, 16) : NaN;
  if (!(n <= LIMITS[key])) throw new XendError(`Invalid pci device configuration: ${key} ${s.slice(0, 16)}`);
  return n;
}

const bounded = (v: Sxp | undefined, what: string): string => {
  const s = String(v);
  if (s.length > 64 || Array.isArray(v)) throw new XendError(`Invalid pci device configuration: ${what}`);
  return s;
};

/** pci_convert_sxp_to_dict for one `(dev …)`: uuid, key and vdevfn filled as xend filled them. */
function readFunc(dev: Sxp): PciFunc {
  const [domain, bus, slot, func] = (['domain', 'bus', 'slot', 'func'] as const).map((k) => hexField(dev, k));
  const f = { domain: domain!, bus: bus!, slot: slot!, func: func! };
  const key = childValue(dev, 'key', null);
  const uuid = childValue(dev, 'uuid', null);
  return {
    ...f,
    vdevfn: hexField(dev, 'vdevfn', AUTO_PHP_SLOT),
    key: key === null ? pciName(f).slice(5) : bounded(key, 'key'),
    uuid: uuid === null ? randomUUID() : bounded(uuid, 'uuid'),
    opts: children(dev, 'opts').slice(0, 8),
  };
}


function funcSxp(f: PciFunc): Sxp[] {
  return ['dev', ['domain', hex0x(f.domain, 4)], ['bus', hex0x(f.bus, 2)], ['slot', hex0x(f.slot, 2)], ['func', hex0x(f.func, 1)], ['vdevfn', hex0x(f.vdevfn, 2)], ['key', f.key], ['uuid', f.uuid], ...f.opts];
}

const funcsOf = (entry: DeviceEntry): PciFunc[] => children(entry, 'dev').map(readFunc);

/**
 * pci_dev_check_attachability: a function no domain holds, on the host, owned by
 * pciback or pci-stub (xend's checks and words; the strict PCIe checks have no
 * simulated counterpart).
 */
function checkAttachable(f: PciFunc, mine: readonly DeviceEntry[], ctx: DeviceContext): void {
  checkPciFunction(pciName(f), heldAround(mine, ctx).pci, ctx.hostDevices());
}

/**
 * PCI pass-through (pciif.PciController, XendDomainInfo.pci_device_configure):
 * every function a domain holds lives in its one `(pci (dev …) …)` entry, device 0;
 * xm pci-attach and pci-detach change it with device_configure's `state`.
 */
export const PCI_CONTROLLER = passThroughController('pci', {
  add(config, ctx) {
    const funcs = funcsOf(config);
    if (!funcs.length) throw new XendError('Invalid pci device configuration: no (dev …)');
    if (ctx.domain.devices.some((d) => d[0] === 'pci')) throw new XendError('device is already inserted');
    const checked: Sxp[] = ['pci'];
    for (const f of funcs) {
      checkAttachable(f, [checked], ctx);
      checked.push(funcSxp(f));
    }
    return ['pci', ...funcs.map(funcSxp)];
  },

  number: () => 0,

  configureClass(entries, config, _devid, ctx) {
    const state = String(childValue(config, 'state', ''));
    const existing = entries[0];
    if (!existing && state !== 'Initialising') throw new XendError('Cannot detach when pci platform does not exist');
    const dev = children(config, 'dev')[0];
    if (!dev) throw new XendError('Invalid pci device configuration: no (dev …)');
    const f = readFunc(dev);
    if (state === 'Initialising') {
      checkAttachable(f, entries, ctx);
      return [existing ? [...existing, funcSxp(f)] : ['pci', funcSxp(f)]];
    }
    if (state !== 'Closing') throw new XendError(`Error configuring device ${pciName(f)}: invalid state ${state.slice(0, 32)}`);
    const funcs = funcsOf(existing!);
    const left = funcs.filter((g) => pciName(g) !== pciName(f));
    if (left.length === funcs.length) throw new XendError(`Device ${pciName(f)} is not connected`);
    // The last function gone, the PCI device goes with it.
    return left.length ? [['pci', ...left.map(funcSxp)]] : [];
  },

  /** XendDomainInfo.getDeviceSxprs('pci'): each function as a struct of hex strings. */
  sxprs(listed: readonly Numbered[]) {
    return listed.flatMap(({ entry }) =>
      funcsOf(entry).map((f) => {
        const [, ...pairs] = funcSxp(f) as [string, ...[string, Sxp][]];
        return Object.fromEntries(pairs.filter(([k]) => k !== 'opts')) as unknown as Sxp;
      }),
    );
  },
});
