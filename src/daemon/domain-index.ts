import { observed } from './observed.js';
import { XendError, XendInvalidDomain } from '../protocol/faults.js';
import type { ManagedEntry, ManagedStore } from './managed-store.js';
import type { HvDomain, Hypervisor } from '../hypervisor/types.js';

/** A domain as a name, id or uuid names it: running, managed, or both. */
export interface Resolved {
  live?: HvDomain;
  managed?: ManagedEntry;
}

/** A domain a save or migration holds: the name it had, what is done to it, and what a destroy does first. */
export interface Hold {
  domid: number;
  name: string;
  activity: string;
  onDestroy: () => void;
}

/** How a domain claims a name: defined or renamed, built new (create, restore), or arriving by relocation. */
export type NameClaim = 'rename' | 'create' | 'relocation';

/**
 * Every domain xend knows by name, id or uuid: running (from the hypervisor),
 * managed (xm new), and held by a save or migration; and the one rule that
 * keeps names unique among them all.
 *
 * Running domains are indexed by name and by uuid, so that finding one is not a
 * walk over every domain (and a view of each) per request. The hypervisor stays
 * the truth: the index holds domids, each checked against it when used; it
 * follows every create, destroy and rename made through `tracked`, and is
 * rebuilt from the hypervisor's list whenever a check finds it wrong (a domain
 * the backend itself dropped) or before its first use.
 */
export class DomainIndex {
  private readonly names = new Map<string, number>();
  /** A uuid names two domains while one migrates to this very host. */
  private readonly uuids = new Map<string, Set<number>>();
  /** Domains a save or migration holds, by uuid. */
  private readonly held = new Map<string, Hold>();
  /** Domains the backend is building (name → uuid): not listed yet, their name and uuid taken. */
  private readonly building = new Map<string, string>();
  private built = false;
  /** The hypervisor, with every change of which domains exist, or of their names, kept in the index. */
  readonly tracked: Hypervisor;

  constructor(
    private readonly hv: Hypervisor,
    private readonly managed?: ManagedStore,
  ) {
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

  /** xend.domain: name (running first), then domid, then uuid. */
  lookup(dom: string | number): HvDomain {
    const key = String(dom);
    const found = this.named(key) ?? this.byDomid(key) ?? this.withUuid(key);
    if (!found) throw new XendInvalidDomain(key);
    return found;
  }

  /**
   * xend's domain_lookup_nr over running and managed domains: running name,
   * managed name, domid, then uuid (running, then managed).
   */
  resolve(dom: string | number): Resolved {
    const key = String(dom);
    const withEntry = (live: HvDomain | undefined): Resolved | undefined => {
      if (!live) return undefined;
      const m = this.managed?.get(live.uuid);
      return m ? { live, managed: m } : { live };
    };
    const inactive = (m: ManagedEntry | undefined): Resolved | undefined => {
      if (!m) return undefined;
      const live = this.withUuid(m.config.uuid);
      return live ? { live, managed: m } : { managed: m };
    };
    const found =
      withEntry(this.named(key)) ??
      inactive(this.managed?.named(key)) ??
      withEntry(this.byDomid(key)) ??
      withEntry(this.withUuid(key)) ??
      inactive(this.managed?.get(key));
    if (!found) throw new XendInvalidDomain(key);
    return found;
  }

  /**
   * Holds the domain for a save or migration: its name stays taken under whatever
   * name it carries meanwhile. One hold at a time. Returns the release.
   */
  hold(d: HvDomain, activity: string, onDestroy: () => void): () => void {
    // A second save or migration of a domain already leaving would race the first.
    if (this.held.has(d.uuid)) throw new XendError(`Domain ${d.name} is already being saved or migrated`);
    this.held.set(d.uuid, { domid: d.domid, name: d.name, activity, onDestroy });
    return () => this.held.delete(d.uuid);
  }

  /**
   * Takes a name and uuid for a domain while the backend builds it (the index
   * has it once built). Two builds never share either. Returns the release.
   */
  reserve(name: string, uuid: string): () => void {
    if (this.building.has(name)) throw new XendError(`Domain '${name}' is already being built`);
    if ([...this.building.values()].includes(uuid)) throw new XendError(`A domain with UUID ${uuid} is already being built`);
    this.building.set(name, uuid);
    return () => this.building.delete(name);
  }

  /** The hold on the domain with this uuid (held by its own domid, or its copy arriving here). */
  holdOf(uuid: string): Hold | undefined {
    return this.held.get(uuid);
  }

  /**
   * The one uniqueness rule (xend's domain_create checks and XendDomainInfo._checkName).
   * A name is taken when a lookup by it (a name, an id — a guest named `0` would
   * answer for Domain-0 —, a uuid; running or managed) finds another domain, or a
   * held domain keeps it while it travels under another. A domain being built must
   * also not share its name or uuid with a running one, except, arriving by
   * relocation, its uuid with the held domain it comes from (a migration to this
   * very host). Messages are xend's: domain_create's for a clash with a running
   * domain, _checkName's otherwise.
   */
  requireUniqueName(name: string, uuid: string, claim: NameClaim): void {
    if (claim !== 'rename') {
      const clash = this.named(name) ?? this.heldAs(name, uuid);
      if (clash) throw new XendError(`Domain '${name}' already exists with ID '${clash.domid}'`);
      const twin = this.withUuid(uuid);
      if (twin && (claim === 'create' || !this.held.has(twin.uuid))) throw new XendError(`Domain '${twin.name}' already exists with ID '${twin.domid}'`);
    }
    let found: Resolved | undefined;
    try {
      found = this.resolve(name);
    } catch (err) {
      if (!(err instanceof XendInvalidDomain)) throw err;
    }
    if (found && (found.live?.uuid ?? found.managed?.config.uuid) !== uuid) {
      throw new XendError(`VM name '${name}' already exists${found.live ? ` as domain ${found.live.domid}` : ''}`);
    }
    const held = this.heldAs(name, uuid);
    if (held) throw new XendError(`VM name '${name}' already exists as domain ${held.domid}`);
    const built = this.building.get(name);
    if (built !== undefined && built !== uuid) throw new XendError(`VM name '${name}' already exists`);
  }

  /** The held domain, other than `uuid`, whose name (kept while it travels under another) is `name`. */
  private heldAs(name: string, uuid: string): HvDomain | undefined {
    for (const [held, h] of this.held) if (h.name === name && held !== uuid) return this.withUuid(held);
    return undefined;
  }

  /** A domain by its id, when `key` is one. */
  private byDomid(key: string): HvDomain | undefined {
    return /^\s*\d+\s*$/.test(key) ? this.hv.get(Number(key)) : undefined;
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
