import { XendError } from '../protocol/faults.js';
import { TMEM_ALL, type TmemControl } from '../hypervisor/tmem.js';
import type { Hypervisor } from '../hypervisor/types.js';

const INT32_MAX = 0x7fffffff;
const UUID_TEXT_MAX = 64;

/** XendNode's tmem calls: each argument checked as xc's int parsing would, then the backend's tmem. */
export class TmemService {
  constructor(private readonly hv: Hypervisor) {}

  list(cliId: number, long: boolean): string | number {
    return this.control().list(client(cliId), long);
  }

  thaw(cliId: number): number {
    return this.control().freeze(client(cliId), 'thaw');
  }

  freeze(cliId: number): number {
    return this.control().freeze(client(cliId), 'freeze');
  }

  destroy(cliId: number): number {
    return this.control().freeze(client(cliId), 'destroy');
  }

  /** xm sent -1 pages for "as much as there is" (an unsigned all-ones to Xen). */
  flush(cliId: number, kb: number): number {
    const k = bounded(kb, 'pages', -1);
    return this.control().flush(client(cliId), k === -1 ? INT32_MAX : k);
  }

  setWeight(cliId: number, weight: number): number {
    return this.control().set(client(cliId), 'weight', bounded(weight, 'weight'));
  }

  setCap(cliId: number, cap: number): number {
    return this.control().set(client(cliId), 'cap', bounded(cap, 'cap'));
  }

  setCompress(cliId: number, compress: number): number {
    return this.control().set(client(cliId), 'compress', bounded(compress, 'compress'));
  }

  freeableMb(): number {
    return this.control().freeableMb();
  }

  sharedAuth(cliId: number, uuid: string, auth: number): number {
    if (uuid.length > UUID_TEXT_MAX) throw new XendError(`Invalid uuid: ${uuid.slice(0, UUID_TEXT_MAX)}…`);
    return this.control().sharedAuth(client(cliId), uuid, bounded(auth, 'auth') ? 1 : 0);
  }

  private control(): TmemControl {
    if (!this.hv.tmem) throw new XendError(`The ${this.hv.name} hypervisor backend cannot control tmem`);
    return this.hv.tmem;
  }
}

/** A domain id, or -1 for all; any other negative number or a non-number is refused. */
function client(cliId: number): number {
  if (cliId === TMEM_ALL) return cliId;
  return bounded(cliId, 'domain id');
}

function bounded(v: number, what: string, min = 0): number {
  if (!Number.isInteger(v) || v < min || v > INT32_MAX) throw new XendError(`Invalid tmem ${what}: ${v}`);
  return v;
}
