import { prettyPrint } from '../../sxp/index.js';
import { scsiTable, type ScsiHostRow } from '../render/passthrough.js';
import { parseDevInfo, pyInt } from '../render/devices.js';
import { oneDomain } from './device-words.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';
import { pairValue } from '../../sxp/access.js';

interface ScsiList {
  long: boolean;
  /** getDeviceSxprs' answer, each virtual host's LUNs in HCTL order (vscsi_sort). */
  sxp: Sxp[];
  hosts: ScsiHostRow[];
}

/** vscsi_sort: a virtual host's LUNs by channel, target, then LUN of their v-dev. */
function sortLuns(devs: Sxp[][]): Sxp[][] {
  const key = (d: Sxp[]) => String(pairValue(d, 'v-dev') ?? '').split(':').slice(1).map(Number);
  return [...devs].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return x[0]! - y[0]! || x[1]! - y[1]! || x[2]! - y[2]!;
  });
}

/** `xm scsi-list DOM [-l]`: the guest's virtual SCSI hosts and their LUNs. */
export async function run(ctx: CommandContext): Promise<ScsiList> {
  const dom = oneDomain(ctx);
  const devs = (await ctx.client().api.getDeviceSxprs({ dom, type: 'vscsi' })) as [number, Sxp[]][];
  const sorted = devs.map(([idx, info]): [number, Sxp[]] => {
    const [devsEntry, ...rest] = info as [Sxp[], ...Sxp[]];
    return [idx, [['devs', sortLuns((devsEntry[1] ?? []) as Sxp[][])], ...rest]];
  });
  const hosts = sorted.map(([idx, info]) => {
    const { devid, backendId, state } = parseDevInfo(pyInt(idx), info);
    const luns = ((pairValue(info, 'devs') ?? []) as Sxp[][]).map((d) => ({ pdev: pairValue(d, 'p-dev'), pdevname: pairValue(d, 'p-devname'), vdev: pairValue(d, 'v-dev'), frontstate: pairValue(d, 'frontstate') }));
    return { idx: devid, backendId, state, featureHost: pyInt((pairValue(info, 'feature-host') as Sxp | undefined) ?? -1), luns };
  });
  return { long: ctx.opts.has('long'), sxp: sorted, hosts };
}

export const text = (d: ScsiList): string => (d.long ? d.sxp.map((x) => prettyPrint(x)).join('') : scsiTable(d.hosts));
export const json = (d: ScsiList) => ({
  hosts: d.hosts.map((h) => ({
    devid: h.idx,
    backend_id: h.backendId,
    state: h.state,
    feature_host: h.featureHost,
    luns: h.luns.map((l) => ({ p_dev: l.pdev ?? null, p_devname: l.pdevname ?? null, v_dev: l.vdev ?? null, frontstate: l.frontstate ?? null })),
  })),
});
