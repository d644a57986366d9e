import { fixed, right } from './format.js';

/** One domain of a frame, in xentop's units. */
export interface TopDomain {
  name: string;
  domid: number;
  /** xentop's letters, in its order: dying, shutdown, blocked, crashed, paused, running. */
  state: string;
  cpu_s: number;
  cpu_pct: number;
  memory_kib: number;
  memory_pct: number;
  maxmem_kib: number;
  maxmem_pct: number;
  vcpus: number;
  nets: number;
  vbds: number;
}

export interface TopFrame {
  time: string;
  xen_version: string;
  cpus: number;
  cpu_mhz: number;
  total_kib: number;
  free_kib: number;
  domains: TopDomain[];
}

const HEADER = [
  ['NAME', 10],
  ['STATE', 6],
  ['CPU(sec)', 10],
  ['CPU(%)', 6],
  ['MEM(k)', 10],
  ['MEM(%)', 6],
  ['MAXMEM(k)', 10],
  ['MAXMEM(%)', 9],
  ['VCPUS', 5],
  ['NETS', 4],
  ['NETTX(k)', 8],
  ['NETRX(k)', 8],
  ['VBDS', 4],
  ['VBD_OO', 8],
  ['VBD_RD', 8],
  ['VBD_WR', 8],
  ['VBD_RSECT', 10],
  ['VBD_WSECT', 10],
  ['SSID', 4],
] as const;

/** One frame as xentop printed it (its header lines, then `%*s` fields joined by one space). */
export function render(f: TopFrame): string {
  const count = (letter: string) => f.domains.filter((d) => d.state.includes(letter)).length;
  const lines = [
    `xentop - ${f.time}   Xen ${f.xen_version}`,
    `${f.domains.length} domains: ${count('r')} running, ${count('b')} blocked, ${count('p')} paused, ${count('c')} crashed, ${count('d')} dying, ${count('s')} shutdown `,
    `Mem: ${f.total_kib}k total, ${f.total_kib - f.free_kib}k used, ${f.free_kib}k free    CPUs: ${f.cpus} @ ${f.cpu_mhz}MHz`,
    HEADER.map(([h, w]) => right(h, w)).join(' '),
    ...f.domains.map((d) =>
      [
        right(d.name, 10),
        d.state,
        right(d.cpu_s, 10),
        fixed(d.cpu_pct, 6, 1),
        right(d.memory_kib, 10),
        fixed(d.memory_pct, 6, 1),
        right(d.maxmem_kib, 10),
        fixed(d.maxmem_pct, 9, 1),
        right(d.vcpus, 5),
        right(d.nets, 4),
        right(0, 8),
        right(0, 8),
        right(d.vbds, 4),
        right(0, 8),
        right(0, 8),
        right(0, 8),
        right(0, 10),
        right(0, 10),
        right(0, 4),
      ].join(' '),
    ),
  ];
  return `${lines.join('\n')}\n`;
}
