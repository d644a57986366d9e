import { observed } from './observed.js';
import type { HvDomain, Hypervisor } from '../hypervisor/types.js';

/**
 * Domains by name and by uuid, so that finding one is not a walk over every
 * domain (and a view of each) per request. The hypervisor stays the truth: the
 * index holds domids, each checked against it when used; it follows every
 * create, destroy and rename made through `tracked`, and is rebuilt from the
 * hypervisor's list whenever a check finds it wrong (a domain the backend itself
 * dropped) or before its first use.
 */
export class DomainIndex {
  private readonly names = new Map<string, number>();
  /** A uuid names two domains while one migrates to this very host. */
  private readonly uuids = new Map<string, Set<number>>();
  private built = false;
  /** The hypervisor, with every change of which domains exist, or of their names, kept in the index. */
  readonly tracked: Hypervisor;

  constructor(private readonly hv: Hypervisor) {
    this.tracked = observed(hv, {
      created: (d) => this.add(d),
      destroyed: (d) => this.remove(d),
      updated: (before, after) => {
        if (before) this.remove(before);
        if (after) this.add(after);
      },
    });
  }

  /** The domain named `name`. */
  named(name: string): HvDomain | undefined {
    return this.checked(() => {
      const domid = this.names.get(name);
      return domid === undefined ? [] : [domid];
    }, (d) => d.name === name);
  }

  /** The domain with this uuid (the lowest domid, when two share it). */
  withUuid(uuid: string): HvDomain | undefined {
    return this.checked(() => [...(this.uuids.get(uuid) ?? [])].sort((a, b) => a - b), (d) => d.uuid === uuid);
  }

  /** The first of `candidates` that the hypervisor confirms; one rebuild and a second look if any was stale. */
  private checked(candidates: () => number[], confirms: (d: HvDomain) => boolean): HvDomain | undefined {
    if (!this.built) this.rebuild();
    for (let attempt = 0; ; attempt++) {
      let stale = false;
      for (const domid of candidates()) {
        const d = this.hv.get(domid);
        if (d && confirms(d)) return d;
        stale = true;
      }
      if (!stale || attempt > 0) return undefined;
      this.rebuild();
    }
  }

  private rebuild(): void {
    this.names.clear();
    this.uuids.clear();
    this.built = true;
    for (const d of this.hv.list()) this.add(d);
  }

  private add(d: HvDomain): void {
    if (!this.built) return;
    this.names.set(d.name, d.domid);
    let ids = this.uuids.get(d.uuid);
    if (!ids) this.uuids.set(d.uuid, (ids = new Set()));
    ids.add(d.domid);
  }

  private remove(d: HvDomain): void {
    if (this.names.get(d.name) === d.domid) this.names.delete(d.name);
    const ids = this.uuids.get(d.uuid);
    ids?.delete(d.domid);
    if (ids?.size === 0) this.uuids.delete(d.uuid);
  }
}
