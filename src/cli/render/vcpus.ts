import { fixed, int, left, right } from './format.js';

/** One VCPU of `xm vcpu-list` (and of its JSON). */
export interface VcpuRow {
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

/** `xm vcpu-list`: `'%-32s %5s %5s %5s %5s %9s %s'` header, xm's rows. */
export function vcpuTable(vcpus: readonly VcpuRow[], hostCpus: number): string {
  const header = `${left('Name', 32)} ${right('ID', 5)} ${right('VCPU', 5)} ${right('CPU', 5)} ${right('State', 5)} ${right('Time(s)', 9)} CPU Affinity\n`;
  return (
    header +
    vcpus
      .map((v) => {
        // A domain that is not running (no domid) has its VCPUs on no CPU: xm showed nothing.
        const [cpu, state] =
          v.domid === null || (v.online && v.cpu < 0)
            ? ['', '']
            : !v.online
              ? ['-', '--p']
              : [String(v.cpu), `${v.running ? 'r' : '-'}${v.blocked ? 'b' : '-'}-`];
        return `${left(v.name, 32)} ${right(v.domid ?? '', 5)} ${int(v.vcpu, 5)} ${right(cpu, 5)} ${right(state, 5)}  ${fixed(v.cpu_time_s, 8, 1)} ${affinity(v.cpumap, hostCpus)}\n`;
      })
      .join('')
  );
}
