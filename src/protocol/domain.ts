import type { Sxp } from '../sxp/types.js';

/**
 * Power states as xend's Xen-API constants number them (XendConstants.DOM_STATES):
 * the `(status N)` of a domain record and the names `xm list --state` accepts.
 */
export const POWER_STATES = ['halted', 'paused', 'running', 'suspended', 'halted', 'crashed', 'unknown'] as const;
export const POWER_STATE_NAMES = ['halted', 'paused', 'running', 'suspended', 'crashed', 'unknown'] as const;

// --- Power states by name, and the groups of them xend's checks test ---

/** The power state numbers (XendConstants DOM_STATE_*), by name. */
export const PowerState = { Halted: 0, Paused: 1, Running: 2, Suspended: 3, Shutdown: 4, Crashed: 5, Unknown: 6 } as const;
export type PowerState = (typeof PowerState)[keyof typeof PowerState];

/** Paused or running: what xend calls started (sysrq, trigger, reset, the credit scheduler). */
export function isStarted(s: number): boolean {
  return s === PowerState.Paused || s === PowerState.Running;
}

/** Started, or crashed and not yet acted on: the domain still has its VCPUs and memory (vcpu-pin, dump-core). */
export function hasVcpus(s: number): boolean {
  return isStarted(s) || s === PowerState.Crashed;
}

// --- end of power states ---

/** Domain names xend accepts (XendDomainInfo: `Invalid VM Name`). */
export const DOMAIN_NAME_RE = /^[A-Za-z0-9_\-.:+]+$/;
/** xend's refusal, and on its second line what a name may hold. */
export const INVALID_NAME = 'Invalid VM Name\nA name is made of letters, digits and the characters _ - . : +';

/** The fields of a `(domain …)` record that xm renders, decoded once for every command. */
export interface DomainRecord {
  domid: number | null;
  name: string;
  uuid: string;
  memory: number;
  maxmem: number;
  vcpus: number;
  onlineVcpus: number | null;
  state: string;
  status: number;
  cpuTime: number;
  startTime: number | null;
}

/** The children of a `(domain …)` record that a DomainRecord is made of: all a listing needs to send. */
const RECORD_FIELDS = ['domid', 'name', 'uuid', 'memory', 'maxmem', 'vcpus', 'online_vcpus', 'state', 'status', 'cpu_time', 'start_time'] as const;
export const RECORD_KEYS: ReadonlySet<string> = new Set(RECORD_FIELDS);

function num(v: Sxp | undefined, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const n = Number(v);
  return Number.isFinite(n) ? n : dflt;
}

/** Decodes a domain SXP (`['domain', ['domid', 1], …]`) whichever server sent it. */
export function decodeDomain(sxp: Sxp): DomainRecord {
  if (!Array.isArray(sxp)) throw new TypeError('domain record is not a list');
  // One pass, from the last child back, so the first child `[key, value]` of a key is what is
  // kept (what sxp.child_value read); an index loop, as an array iterator allocates a result
  // per item in V8's interpreter, where xm mostly runs.
  let domid: Sxp | undefined, name: Sxp | undefined, uuid: Sxp | undefined, memory: Sxp | undefined, maxmem: Sxp | undefined;
  let vcpus: Sxp | undefined, online: Sxp | undefined, state: Sxp | undefined, status: Sxp | undefined, cpuTime: Sxp | undefined;
  let start: Sxp | undefined;
  for (let i = sxp.length - 1; i >= 0; i--) {
    const item = sxp[i];
    if (!Array.isArray(item)) continue;
    const v = item[1];
    switch (item[0]) {
      case 'domid': domid = v; break;
      case 'name': name = v; break;
      case 'uuid': uuid = v; break;
      case 'memory': memory = v; break;
      case 'maxmem': maxmem = v; break;
      case 'vcpus': vcpus = v; break;
      case 'online_vcpus': online = v; break;
      case 'state': state = v; break;
      case 'status': status = v; break;
      case 'cpu_time': cpuTime = v; break;
      case 'start_time': start = v; break;
    }
  }
  return {
    domid: domid === undefined || domid === null || domid === '' ? null : Number(domid),
    name: String(name ?? ''),
    uuid: String(uuid ?? ''),
    memory: num(memory, 0),
    maxmem: num(maxmem, 0),
    vcpus: num(vcpus, 0),
    onlineVcpus: online === undefined ? null : num(online, 0),
    state: String(state ?? ''),
    status: num(status, 6),
    cpuTime: num(cpuTime, 0),
    startTime: start === undefined ? null : num(start, 0),
  };
}

// ---------------------------------------------------------------- state letters
// What a client reads from a record's `(state …)`: xm list's six letters, `-` where
// a flag is off (`-b----`), empty for a domain that is not running.

/** Each flag and its letter, in xm list's order. */
export const STATE_LETTERS = { running: 'r', blocked: 'b', paused: 'p', shutdown: 's', crashed: 'c', dying: 'd' } as const;
export type StateFlag = keyof typeof STATE_LETTERS;

export const hasState = (letters: string, flag: StateFlag): boolean => letters.includes(STATE_LETTERS[flag]);
/** Shut down or crashed: the domain no longer runs, though it is still listed. */
export const hasStopped = (letters: string): boolean => hasState(letters, 'shutdown') || hasState(letters, 'crashed');
/** Running or blocked, and neither paused nor stopped: it can take a console or a pause. */
export const isRunning = (letters: string): boolean => (hasState(letters, 'running') || hasState(letters, 'blocked')) && !hasState(letters, 'paused') && !hasStopped(letters);
