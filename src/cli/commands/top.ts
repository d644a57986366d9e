import { decodeDomain } from '../../protocol/domain.js';
import { children } from '../../sxp/index.js';
import { fixed, right } from '../render/format.js';
import type { CommandContext } from '../context.js';
import type { XendClient } from '../../client/xend-client.js';

interface TopDomain {
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

interface TopFrame {
  time: string;
  xen_version: string;
  cpus: number;
  cpu_mhz: number;
  total_kib: number;
  free_kib: number;
  domains: TopDomain[];
}

interface TopData {
  /** The frames already shown on the terminal (interactive mode); the data is then not printed again. */
  shown: boolean;
  frames: TopFrame[];
}

interface Sample {
  at: number;
  cpu: Map<string, number>;
}

/** The pause between the two samples of a one-shot snapshot, for its CPU(%). */
const SNAPSHOT_GAP_MS = 300;

/**
 * `xm top` (xm ran xentop): host and per-domain figures in xentop's columns,
 * redrawn every DELAY seconds on a terminal until `q`; a single snapshot with
 * --once, when stdout is not a terminal, or with --json (-i N gives N frames).
 */
export async function run(ctx: CommandContext): Promise<TopData> {
  const delay = ctx.opts.number('delay') ?? 3;
  const iterations = ctx.opts.number('iterations') ?? null;
  const client = ctx.client();
  const out = ctx.terminal.output;
  const interactive = !ctx.opts.has('once') && !ctx.json && out.isTTY === true;
  if (!interactive) {
    const frames: TopFrame[] = [];
    let last = await sample(client);
    await sleep(SNAPSHOT_GAP_MS);
    for (let i = 0; i < (ctx.opts.has('once') ? 1 : (iterations ?? 1)); i++) {
      if (i > 0) await sleep(delay * 1000);
      const { frame, next } = await snapshot(client, last);
      frames.push(frame);
      last = next;
    }
    return { shown: false, frames };
  }
  return { shown: true, frames: await live(ctx, client, delay, iterations) };
}

async function live(ctx: CommandContext, client: XendClient, delay: number, iterations: number | null): Promise<TopFrame[]> {
  const { input, output } = ctx.terminal;
  const raw = input.isTTY === true;
  let wake: (() => void) | null = null;
  let quit = false;
  const onKey = (b: Buffer) => {
    // q, Q, Ctrl-C or Esc leave; any other key redraws now.
    if (b.includes(0x71) || b.includes(0x51) || b.includes(0x03) || b.includes(0x1b)) quit = true;
    wake?.();
  };
  // Without a terminal to read keys from, Ctrl-C arrives as a signal.
  const onSigint = () => {
    quit = true;
    wake?.();
  };
  process.on('SIGINT', onSigint);
  if (raw) input.setRawMode(true);
  input.on('data', onKey);
  input.resume();
  output.write('\x1b[?25l');
  const frames: TopFrame[] = [];
  try {
    let last = await sample(client);
    await sleep(SNAPSHOT_GAP_MS);
    while (!quit) {
      const { frame, next } = await snapshot(client, last);
      last = next;
      frames.splice(0, frames.length, frame);
      output.write(`\x1b[H\x1b[2J${render(frame).replace(/\n/g, '\r\n')}\r\nDelay ${delay} secs; q quits, any other key refreshes`);
      if (iterations !== null && --iterations <= 0) break;
      await new Promise<void>((r) => {
        const t = setTimeout(r, delay * 1000);
        wake = () => {
          clearTimeout(t);
          r();
        };
      });
      wake = null;
    }
  } finally {
    input.off('data', onKey);
    process.off('SIGINT', onSigint);
    input.pause();
    if (raw) input.setRawMode(false);
    output.write('\x1b[?25h\r\n');
  }
  return frames;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function sample(client: XendClient): Promise<Sample> {
  const doms = await client.domains('all');
  return { at: Date.now(), cpu: new Map(doms.filter((d) => d.domid !== null).map((d) => [d.uuid, d.cpuTime])) };
}

async function snapshot(client: XendClient, previous: Sample): Promise<{ frame: TopFrame; next: Sample }> {
  const [info, sxps] = await Promise.all([client.nodeInfo(), client.domainsSxp('all', true)]);
  const at = Date.now();
  const host = new Map(info.map(([k, v]) => [k, v]));
  const num = (k: string) => Number(host.get(k) ?? 0);
  const totalKib = num('total_memory') * 1024;
  const wall = (at - previous.at) / 1000;
  const cpu = new Map<string, number>();
  const domains: TopDomain[] = [];
  for (const sxp of sxps) {
    const d = decodeDomain(sxp);
    if (d.domid === null) continue;
    cpu.set(d.uuid, d.cpuTime);
    const before = previous.cpu.get(d.uuid);
    const devices = children(sxp, 'device').map((dev) => (Array.isArray(dev[1]) ? dev[1][0] : undefined));
    const s = d.state.padEnd(6, '-');
    domains.push({
      name: d.name,
      domid: d.domid,
      state: `${s[5]}${s[3]}${s[1]}${s[4]}${s[2]}${s[0]}`,
      cpu_s: Math.floor(d.cpuTime),
      cpu_pct: before === undefined || wall <= 0 ? 0 : Math.max(0, ((d.cpuTime - before) / wall) * 100),
      memory_kib: d.memory * 1024,
      memory_pct: totalKib ? ((d.memory * 1024) / totalKib) * 100 : 0,
      maxmem_kib: d.maxmem * 1024,
      maxmem_pct: totalKib ? ((d.maxmem * 1024) / totalKib) * 100 : 0,
      vcpus: d.onlineVcpus ?? d.vcpus,
      nets: devices.filter((c) => c === 'vif').length,
      vbds: devices.filter((c) => c === 'vbd' || c === 'tap' || c === 'tap2').length,
    });
  }
  domains.sort((a, b) => a.domid - b.domid);
  const frame: TopFrame = {
    time: new Date(at).toTimeString().slice(0, 8),
    xen_version: `${String(host.get('xen_major') ?? '')}.${String(host.get('xen_minor') ?? '')}${String(host.get('xen_extra') ?? '')}`,
    cpus: num('nr_cpus'),
    cpu_mhz: num('cpu_mhz'),
    total_kib: totalKib,
    free_kib: num('free_memory') * 1024,
    domains,
  };
  return { frame, next: { at, cpu } };
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

export function text(d: TopData): string {
  return d.shown ? '' : d.frames.map(render).join('');
}

export function json(d: TopData) {
  const f = d.frames[d.frames.length - 1]!;
  return f;
}
