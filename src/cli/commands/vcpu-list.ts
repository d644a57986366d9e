import { fixed, int, left, right } from '../render/format.js';
import type { CommandContext } from '../context.js';
import type { Sxp } from '../../sxp/types.js';

interface VcpuRow {
  name: string;
  domid: number | null;
  vcpu: number;
  cpu: number;
  online: boolean;
  blocked: boolean;
  running: boolean;
  cpu_time_s: number;
  cpumap: number[];
}

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
  return { version: 1, host_cpus: hostCpus, vcpus: rows };
}

/** `0-1,4,6-7`, or xm's words for all and none. */
export function affinity(cpus: number[], hostCpus: number): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  if (!sorted.length) return 'no cpus';
  if (hostCpus > 0 && sorted.length >= hostCpus && sorted[0] === 0 && sorted[hostCpus - 1] === hostCpus - 1) return 'any cpu';
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return ranges.join(',');
}

export function text(data: { host_cpus: number; vcpus: VcpuRow[] }): string {
  const header = `${left('Name', 32)} ${right('ID', 5)} ${right('VCPU', 5)} ${right('CPU', 5)} ${right('State', 5)} ${right('Time(s)', 9)} CPU Affinity\n`;
  return (
    header +
    data.vcpus
      .map((v) => {
        // A domain that is not running (no domid) has its VCPUs on no CPU: xm showed nothing.
        const [cpu, state] =
          v.domid === null || (v.online && v.cpu < 0)
            ? ['', '']
            : !v.online
              ? ['-', '--p']
              : [String(v.cpu), `${v.running ? 'r' : '-'}${v.blocked ? 'b' : '-'}-`];
        return `${left(v.name, 32)} ${right(v.domid ?? '', 5)} ${int(v.vcpu, 5)} ${right(cpu, 5)} ${right(state, 5)}  ${fixed(v.cpu_time_s, 8, 1)} ${affinity(v.cpumap, data.host_cpus)}\n`;
      })
      .join('')
  );
}
