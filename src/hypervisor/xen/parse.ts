import type { DomainFlags, ShutdownReason } from '../types.js';

/**
 * Readers of what xl and xenstore's clients print (Xen 4.11+, checked against
 * 4.17). Pure: text in, values out; a line they do not recognise is skipped.
 */

/** One row of `xl list -v`. */
export interface XlListEntry {
  name: string;
  domid: number;
  memoryMiB: number;
  vcpus: number;
  flags: DomainFlags;
  cpuTime: number;
  /** Only with -v. */
  uuid: string;
  /** The domain's shutdown code (-v, once it shut down), else null. */
  reasonCode: number | null;
}

const LIST_ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+)\s+([-rbpscd]{6})\s+(\d+(?:\.\d+)?)(?:\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\s+(-|\d+))?(?:\s.*)?$/;

/** The rows of a table whose lines `re` matches, each made into a value by `row`. */
function rows<T>(text: string, re: RegExp, row: (m: RegExpExecArray) => T): T[] {
  const out: T[] = [];
  for (const line of text.split('\n')) {
    const m = re.exec(line.trimEnd());
    if (m) out.push(row(m));
  }
  return out;
}

/** `xl list` / `xl list -v`: the header's columns are separated by tabs, the rows by blanks. */
export function parseXlList(text: string): XlListEntry[] {
  return rows(text, LIST_ROW, (m) => {
    const state = m[5]!;
    return {
      name: m[1]!,
      domid: Number(m[2]),
      memoryMiB: Number(m[3]),
      vcpus: Number(m[4]),
      flags: {
        running: state[0] === 'r',
        blocked: state[1] === 'b',
        paused: state[2] === 'p',
        shutdown: state[3] === 's',
        crashed: state[4] === 'c',
        dying: state[5] === 'd',
      },
      cpuTime: Number(m[6]),
      uuid: m[7] ?? '',
      reasonCode: m[8] === undefined || m[8] === '-' ? null : Number(m[8]),
    };
  });
}

/** SHUTDOWN_* codes of Xen's sched.h; a watchdog is a crash to xend, a soft reset a reboot. */
export function shutdownReasonOf(code: number | null, crashed: boolean): ShutdownReason {
  if (crashed) return 'crash';
  switch (code) {
    case 1:
    case 5:
      return 'reboot';
    case 2:
      return 'suspend';
    case 3:
    case 4:
      return 'crash';
    default:
      return 'poweroff';
  }
}

/** What `xl list -l` tells of a domain's configuration (libxl's JSON), for a domain xend did not build. */
export interface XlDomainConfig {
  domid: number;
  name: string;
  uuid: string;
  type: string;
  maxVcpus: number;
  maxmemMiB: number;
  memoryMiB: number;
  kernel: string;
  ramdisk: string;
  cmdline: string;
  weight?: number;
  cap?: number;
  /** Its disks and network interfaces as libxl holds them. */
  disks: XlDisk[];
  nics: XlNic[];
}

export interface XlDisk {
  /** The file or device behind it; '' for an empty CD-ROM drive. */
  target: string;
  vdev: string;
  format: string;
  writable: boolean;
  cdrom: boolean;
}

export interface XlNic {
  devid: number;
  mac: string;
  bridge: string;
}

/** `xl list -l [dom]`: a JSON array, one element per domain. */
export function parseXlListLong(text: string): XlDomainConfig[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(data)) return [];
  return data.flatMap((e): XlDomainConfig[] => {
    const rec = e as { domid?: unknown; config?: { c_info?: Record<string, unknown>; b_info?: Record<string, unknown>; disks?: unknown; nics?: unknown } };
    const c = rec.config?.c_info ?? {};
    const b = rec.config?.b_info ?? {};
    if (typeof rec.domid !== 'number') return [];
    const sched = (b.sched_params ?? {}) as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    return [
      {
        domid: rec.domid,
        name: str(c.name),
        uuid: str(c.uuid),
        type: str(c.type) || 'pv',
        maxVcpus: num(b.max_vcpus) ?? 1,
        maxmemMiB: Math.floor((num(b.max_memkb) ?? 0) / 1024),
        memoryMiB: Math.floor((num(b.target_memkb) ?? 0) / 1024),
        kernel: str(b.kernel),
        ramdisk: str(b.ramdisk),
        cmdline: str(b.cmdline),
        ...(num(sched.weight) !== undefined && { weight: num(sched.weight) }),
        ...(num(sched.cap) !== undefined && { cap: num(sched.cap) }),
        disks: records(rec.config?.disks).flatMap((d): XlDisk[] =>
          str(d.vdev) ? [{ target: str(d.pdev_path), vdev: str(d.vdev), format: str(d.format) || 'raw', writable: d.readwrite === 1, cdrom: d.is_cdrom === 1 }] : [],
        ),
        nics: records(rec.config?.nics).map((n, i): XlNic => ({ devid: num(n.devid) ?? i, mac: str(n.mac), bridge: str(n.bridge) })),
      },
    ];
  });
}

/** A JSON list's objects. */
function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];
}

/** `key : value` lines (`xl info`). */
export function parseColonTable(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim();
    if (/^[a-z0-9_]+$/.test(key)) out[key] = line.slice(i + 1).trim();
  }
  return out;
}

export interface XlVcpu {
  domid: number;
  number: number;
  /** Physical CPU it runs on, -1 when offline. */
  cpu: number;
  running: boolean;
  blocked: boolean;
  paused: boolean;
  cpuTime: number;
  /** Hard affinity as xl prints it: `all`, or a list like `0-1,3`. */
  affinity: string;
}

const VCPU_ROW = /^(.+?)\s+(\d+)\s+(\d+)\s+(\d+|-)\s+([-rbp]{3})\s+(\d+(?:\.\d+)?)\s+(\S+)\s*\/\s*(\S+)\s*$/;

/** `xl vcpu-list`: Name ID VCPU CPU State Time(s) Affinity (Hard / Soft). */
export function parseVcpuList(text: string): XlVcpu[] {
  return rows(text, VCPU_ROW, (m) => ({
    domid: Number(m[2]),
    number: Number(m[3]),
    cpu: m[4] === '-' ? -1 : Number(m[4]),
    running: m[5]![0] === 'r',
    blocked: m[5]![1] === 'b',
    paused: m[5]![2] === 'p',
    cpuTime: Number(m[6]),
    affinity: m[7]!,
  }));
}

/** An xl CPU list (`all`, `0-3,6`, `^1`-free forms xl prints) as CPU numbers below `nrCpus`. */
export function cpuList(text: string, nrCpus: number): number[] {
  if (text === 'all' || text === 'any cpu') return Array.from({ length: nrCpus }, (_, i) => i);
  const cpus = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const hi = Math.min(Number(m[2] ?? m[1]), nrCpus - 1);
    for (let c = Number(m[1]); c <= hi; c++) cpus.add(c);
  }
  return [...cpus].sort((a, b) => a - b);
}

/** `xl uptime`: seconds each domain has run, by domid (`[N day(s),] H:MM:SS`). */
export function parseUptime(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split('\n')) {
    const m = /^.+?\s+(\d+)\s+(?:(\d+) days?,\s*)?(\d+):(\d\d):(\d\d)\s*$/.exec(line.trimEnd());
    if (m) out.set(Number(m[1]), Number(m[2] ?? 0) * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]));
  }
  return out;
}

/** `xl sched-credit` / `xl sched-credit2`: the Name ID Weight Cap table (credit2 on 4.17 prints it under a Cpupool line). */
export function parseSchedTable(text: string): Map<number, { weight: number; cap: number }> {
  const out = new Map<number, { weight: number; cap: number }>();
  for (const line of text.split('\n')) {
    const m = /^.+?\s+(\d+)\s+(\d+)\s+(\d+)(?:\s+\S+)*\s*$/.exec(line.trimEnd());
    if (m && !line.startsWith('Cpupool')) out.set(Number(m[1]), { weight: Number(m[2]), cap: Number(m[3]) });
  }
  return out;
}

/** `xl dmesg`: Xen's console ring as it is, ending in a newline. */
export function dmesgText(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** `xenstore-ls -f PATH`: `full/path = "value"` lines, values unescaped (\\, \", \xNN, \n, \t). */
export function parseXenstoreLs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(\/\S*) = "(.*)"$/.exec(line);
    if (m) out.set(m[1]!, unescapeXenstore(m[2]!));
  }
  return out;
}

function unescapeXenstore(v: string): string {
  return v.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16));
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8));
    return ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e;
  });
}

/** `/vm/<uuid>/start_time` (epoch seconds, as libxl writes it), or null. */
export function startTimeOf(vm: Map<string, string>, uuid: string): number | null {
  const v = Number(vm.get(`/vm/${uuid}/start_time`));
  return Number.isFinite(v) && v > 0 ? v : null;
}

/** One row of `xl cpupool-list`: Name CPUs Sched Active Domain-count. */
export interface XlPoolRow {
  name: string;
  sched: string;
}

/** `xl cpupool-list`: `%-19s%3d %9s       y       %4d` under its header. */
export function parsePoolList(text: string): XlPoolRow[] {
  return rows(text, /^(\S+)\s+(\d+)\s+(\S+)\s+[yn]\s+(\d+)$/, (m) => ({ name: m[1]!, sched: m[3]! }));
}

/** `xl cpupool-list -c`: each pool's CPU list (`0,1`, empty for a pool without CPUs), by name. */
export function parsePoolCpus(text: string, nrCpus: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const line of text.split('\n').slice(1)) {
    const m = /^(\S+)\s*(\S*)$/.exec(line.trimEnd());
    if (m) out.set(m[1]!, m[2] ? cpuList(m[2], nrCpus) : []);
  }
  return out;
}

/** `xl list -c`: the pool each domain runs in, by domid (its last column). */
export function parseDomainPools(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    const m = /^.+?\s+(\d+)\s+\d+\s+\d+\s+[-rbpscd]{6}\s+\d+(?:\.\d+)?\s+(\S+)$/.exec(line.trimEnd());
    if (m) out.set(Number(m[1]), m[2]!);
  }
  return out;
}

/** `xenstore-ls -f /local/pool`: the pool ids libxl wrote beside their names, by name. */
export function poolIds(store: Map<string, string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [key, name] of store) {
    const m = /^\/local\/pool\/(\d+)\/name$/.exec(key);
    if (m) out.set(name, Number(m[1]));
  }
  return out;
}
