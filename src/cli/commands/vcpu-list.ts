import { vcpuTable, type VcpuRow } from '../render/vcpus.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

const get = (list: Sxp, key: string): Sxp | undefined =>
  Array.isArray(list) ? (list.find((x) => Array.isArray(x) && x[0] === key) as Sxp[] | undefined)?.[1] : undefined;

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
        name: String(get(info, 'name')),
        // None for a managed domain that is not running.
        domid: get(info, 'domid') === null ? null : Number(get(info, 'domid')),
        vcpu: Number(get(v, 'number')),
        cpu: Number(get(v, 'cpu')),
        online: Number(get(v, 'online')) === 1,
        blocked: Number(get(v, 'blocked')) === 1,
        running: Number(get(v, 'running')) === 1,
        cpu_time_s: Number(get(v, 'cpu_time')),
        cpumap: ((get(v, 'cpumap') as Sxp[] | undefined) ?? []).map(Number),
      });
    }
  }
  return { host_cpus: hostCpus, vcpus: rows };
}

export const text = (data: { host_cpus: number; vcpus: VcpuRow[] }): string => vcpuTable(data.vcpus, data.host_cpus);
