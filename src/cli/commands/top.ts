import { decodeDomain } from '../../protocol/domain.js';
import { children } from '../../sxp/index.js';
import { render, type TopDomain, type TopFrame } from '../render/top.js';
import type { CommandContext } from '../context.js';
import type { XendClient } from '../../client/xend-client.js';

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

/** The first CPU times, from the full listing as every frame's: a brief one may keep a time while `xm list` would print it alike. */
async function sample(client: XendClient): Promise<Sample> {
  const doms = (await client.domainsSxp('all', true)).map(decodeDomain);
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

export function text(d: TopData): string {
  return d.shown ? '' : d.frames.map(render).join('');
}

export function json(d: TopData) {
  const f = d.frames[d.frames.length - 1]!;
  return f;
}
