import { TMEM_ALL, type TmemControl, type TmemFreezeOp, type TmemSetting } from '../tmem.js';

/** One domain's tmem client, kept with the domain on "the hardware" (Xen's struct client). */
export interface SimTmemClient {
  weight: number;
  cap: number;
  compress: number;
  frozen: number;
  /** Ephemeral pages given back by flushes since the guest filled its pool. */
  flushedPages: number;
  /** Shared pools this client may join (tmem-shared-auth), as uuids. */
  authorized: string[];
}

/** What the sim host lends its tmem: its domains, where a client's state is saved, its console. */
export interface SimTmemHost {
  domains(): { domid: number; memoryMiB: number; tmem?: SimTmemClient }[];
  save(domid: number, client: SimTmemClient): void;
  log(line: string): void;
}

const PAGES_PER_MIB = 256;
/** The sim's guests keep a sixteenth of their RAM in an ephemeral pool (a cleancache), as a tmem-enabled Linux would. */
const POOL_SHARE = 16;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const newClient = (): SimTmemClient => ({ weight: 0, cap: 0, compress: 0, frozen: 0, flushedPages: 0, authorized: [] });

/** Xen 4.4's tmem control operations over the sim's domains, with its console messages. */
export class SimTmem implements TmemControl {
  constructor(private readonly host: SimTmemHost) {}

  list(cliId: number, long: boolean): string | number {
    const clients = this.clients();
    if (cliId === TMEM_ALL) return globalLine(clients, long) + clients.map((c) => clientLines(c, long)).join('') + 'T\n';
    const c = clients.find((x) => x.domid === cliId);
    return c ? clientLines(c, long) : -1;
  }

  freeze(cliId: number, op: TmemFreezeOp): number {
    // Xen 4.4 thawed the pools it said it destroyed (tmemc_freeze_pools froze only for FREEZE).
    const frozen = op === 'freeze' ? 1 : 0;
    const done = this.each(cliId, (c) => (c.state.frozen = frozen));
    if (done < 0) return done;
    const pastTense = op === 'destroy' ? 'destroyed' : op === 'freeze' ? 'frozen' : 'thawed';
    this.host.log(`(XEN) tmem: all pools ${pastTense} for ${cliId === TMEM_ALL ? 'all domains' : `domid=${cliId}`}`);
    return 0;
  }

  flush(cliId: number, kb: number): number {
    if (cliId !== TMEM_ALL) {
      this.host.log('(XEN) tmem: domain-specific flush not supported yet, use --all');
      return -1;
    }
    let pages = Math.ceil(kb / 4);
    for (const c of this.clients()) {
      const n = Math.min(pages, ephemeralPages(c));
      c.state.flushedPages += n;
      pages -= n;
      if (n) this.host.save(c.domid, c.state);
    }
    return (Math.ceil(kb / 4) - pages) * 4;
  }

  set(cliId: number, setting: TmemSetting, value: number): number {
    return this.each(cliId, (c) => {
      if (setting === 'compress') {
        c.state.compress = value ? 1 : 0;
        this.host.log(`(XEN) tmem: compression ${value ? 'enabled' : 'disabled'} for domid=${c.domid}`);
      } else {
        c.state[setting] = value;
        this.host.log(`(XEN) tmem: ${setting} set to ${value} for domid=${c.domid}`);
      }
    });
  }

  freeableMb(): number {
    return Math.floor(this.clients().reduce((sum, c) => sum + ephemeralPages(c), 0) / PAGES_PER_MIB);
  }

  sharedAuth(cliId: number, uuid: string, auth: number): number {
    const id = uuid.toLowerCase();
    if (!UUID.test(id)) return -1;
    // Every client (-1) is Xen's global switch, which the sim does not keep: it had no shared pools.
    if (cliId === TMEM_ALL) return 1;
    const c = this.clients().find((x) => x.domid === cliId);
    if (!c) return -22;
    const known = c.state.authorized.includes(id);
    if (auth) {
      if (!known) c.state.authorized.push(id);
    } else {
      if (!known) return 0;
      c.state.authorized = c.state.authorized.filter((u) => u !== id);
    }
    this.host.save(c.domid, c.state);
    return 1;
  }

  private clients(): Client[] {
    return this.host
      .domains()
      .sort((a, b) => a.domid - b.domid)
      .map((d) => ({ domid: d.domid, memoryMiB: d.memoryMiB, state: d.tmem ?? newClient() }));
  }

  /** Applies a change to one client or to all (-1), saving each; -1 when there is no such client. */
  private each(cliId: number, change: (c: Client) => void): number {
    const targets = this.clients().filter((c) => cliId === TMEM_ALL || c.domid === cliId);
    if (cliId !== TMEM_ALL && targets.length === 0) return -1;
    for (const c of targets) {
      change(c);
      this.host.save(c.domid, c.state);
    }
    return 0;
  }
}

interface Client {
  domid: number;
  memoryMiB: number;
  state: SimTmemClient;
}

const ephemeralPages = (c: Client): number => Math.max(0, Math.floor((c.memoryMiB * PAGES_PER_MIB) / POOL_SHARE) - c.state.flushedPages);

/** tmemc_list_global's line: the sim counts only what its pools hold. */
function globalLine(clients: Client[], long: boolean): string {
  const eph = clients.reduce((sum, c) => sum + ephemeralPages(c), 0);
  const ops = clients.reduce((sum, c) => sum + 2 * ephemeralPages(c), 0);
  const line = `G=Tt:${ops},Te:0,Cf:0,Af:0,Pf:0,Ta:0,Lm:0,Et:0,Ea:0,Rt:0,Ra:0,Rx:0,Fp:0`;
  if (!long) return `${line}\n`;
  return `${line},Ec:${eph},Em:${eph},Oc:${clients.length},Om:${clients.length},Nc:0,Nm:0,Pc:${eph},Pm:${eph},Fc:${eph},Fm:${eph},Sc:0,Sm:0,Ep:${eph},Gd:0,Zt:0,Gz:0\n`;
}

/** tmemc_list_client's lines: the client, then its one private ephemeral pool. */
function clientLines(c: Client, long: boolean): string {
  const s = c.state;
  const eph = ephemeralPages(c);
  const gets = Math.floor(eph / 2);
  let out = `C=CI:${c.domid},ww:${s.weight},ca:${s.cap},co:${s.compress},fr:${s.frozen},Tc:0,Ge:${gets},Pp:0,Gp:0`;
  out += long ? `,Ec:${eph},Em:${eph},cp:0,cb:0,cn:0,cm:0\n` : '\n';
  out += `P=CI:${c.domid},PI:0,PT:EP,U0:0,U1:0`;
  out += long ? `,Pc:${eph},Pm:${eph},Oc:${eph},Om:${eph},Nc:0,Nm:0,ps:${eph},pt:${eph},pd:0,pr:0,px:0,gs:${gets},gt:${eph},fs:0,ft:0,os:0,ot:0\n` : '\n';
  return out;
}
