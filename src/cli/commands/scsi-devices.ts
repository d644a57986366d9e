import { InvalidValueError } from '../values.js';
import { UsageError } from '../errors.js';
import type { XendClient } from '../../client/xend-client.js';
import type { Sxp } from '../../sxp/types.js';
import { isPyInt } from '../../python-int.js';
import { pairValue } from '../../sxp/access.js';

/** xenbusState's numbers xm put in a vscsi config: attaching, detaching. */
export const INITIALISING = 1;
export const CLOSING = 5;

/** vscsi's get_devid: the virtual SCSI host a HCTL is on. */
export function hostOf(hctl: string): number {
  const host = hctl.split(':')[0]!;
  if (!isPyInt(host)) throw new InvalidValueError();
  return Number(host);
}

/** A `host:channel:target:lun`, or xm's refusal of it. */
export function checkHctl(hctl: string): string {
  if (hctl.split(':').length !== 4) throw new UsageError(`Invalid argument: ${hctl}`);
  return hctl;
}

/** One of the host's LUNs, as xend.node.scsiinfo lists them. */
export interface HostLun {
  hctl: string;
  devname: string;
}

const field = (d: Sxp[], k: string): string => String(pairValue(d, k) ?? '');

/** The host's LUNs (xm read them with lsscsi; here xend says what its host has). */
export async function hostLuns(client: XendClient): Promise<HostLun[]> {
  const devs = (await client.api.scsiinfo()) as Sxp[][];
  return devs.map((d) => ({ hctl: field(d, 'p-dev'), devname: field(d, 'p-devname') }));
}

/** vscsi_get_hctl_and_devname_by: a LUN by its HCTL, its /dev node or its node's name. */
export function findLun(luns: readonly HostLun[], target: string): HostLun | undefined {
  if (target.split(':').length === 4) return luns.find((l) => l.hctl === target);
  const name = target.startsWith('/dev/') ? target.slice(5) : target;
  return luns.find((l) => l.devname === name);
}

/** parse_scsi_configuration's `(vscsi (feature-host …) (dev …) …)`, and scsi-attach's `(backend …)`. */
export function vscsiSxp(
  hostMode: boolean,
  luns: readonly { devid: number; pdev: string | null; pdevname: string | null; vdev: string }[],
  state: number,
  backend?: string,
): Sxp {
  return [
    'vscsi',
    ['feature-host', hostMode ? 1 : 0],
    ...luns.map((l) => ['dev', ['state', state], ['devid', l.devid], ['p-dev', l.pdev], ['p-devname', l.pdevname], ['v-dev', l.vdev]]),
    ...(backend === undefined ? [] : [['backend', backend]]),
  ];
}
