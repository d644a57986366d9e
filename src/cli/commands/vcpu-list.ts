import { vcpuTable, type VcpuRow } from '../render/vcpus.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';
import { pairValue } from '../../sxp/access.js';

export async function run(ctx: CommandContext) {
  const client = ctx.client();
  const names = ctx.args.length ? ctx.args : (await client.domains('all')).filter((d) => d.domid !== null).map((d) => d.name);
  const hostCpus = Number((await client.nodeInfo()).find(([k]) => k === 'nr_cpus')?.[1] ?? 0);
  const rows: VcpuRow[] = [];
  for (const name of names) {
    const info = await client.vcpuInfo(name);
    if (!Array.isArray(info)) continue;
    for (const v of info.filter((x): x is Sxp[] => Array.isArray(x) && x[0] === 'vcpu')) {
      rows.push({
        name: String(pairValue(info, 'name')),
        // None for a managed domain that is not running.
        domid: pairValue(info, 'domid') === null ? null : Number(pairValue(info, 'domid')),
        vcpu: Number(pairValue(v, 'number')),
        cpu: Number(pairValue(v, 'cpu')),
        online: Number(pairValue(v, 'online')) === 1,
        blocked: Number(pairValue(v, 'blocked')) === 1,
        running: Number(pairValue(v, 'running')) === 1,
        cpu_time_s: Number(pairValue(v, 'cpu_time')),
        cpumap: ((pairValue(v, 'cpumap') as Sxp[] | undefined) ?? []).map(Number),
      });
    }
  }
  return { host_cpus: hostCpus, vcpus: rows };
}

export const text = (data: { host_cpus: number; vcpus: VcpuRow[] }): string => vcpuTable(data.vcpus, data.host_cpus);
