import type { HvDevice, HvDomain, Hypervisor } from '../hypervisor/types.js';

/** What happens to domains, told after the hypervisor did it. */
export interface DomainObserver {
  created?(d: HvDomain): void;
  destroyed?(d: HvDomain): void;
  /** A record change (a rename among them): the domain before and after. */
  updated?(before: HvDomain | undefined, after: HvDomain | undefined): void;
  /** A device plugged into (`online`) or unplugged from a running domain. */
  plugged?(d: HvDomain, device: HvDevice, online: boolean): void;
}

/**
 * The hypervisor with `observer` told of every domain built, destroyed or changed
 * through it, whichever part of xend did it (create, restart, restore, migration);
 * every other call goes straight through.
 */
export function observed(hv: Hypervisor, observer: DomainObserver): Hypervisor {
  // Each method bound once, not on every call: a listing calls vcpuInfo once per domain.
  const bound = new Map<PropertyKey, { method: unknown; bound: unknown }>();
  return new Proxy(hv, {
    get(target, prop, receiver) {
      if (prop === 'create' && observer.created) {
        return (...args: Parameters<Hypervisor['create']>) => {
          const built = target.create(...args);
          if (built instanceof Promise) return built.then((d) => (observer.created!(d), d));
          observer.created!(built);
          return built;
        };
      }
      if (prop === 'destroy' && observer.destroyed) {
        return (domid: number) => {
          const d = target.get(domid);
          target.destroy(domid);
          if (d) observer.destroyed!(d);
        };
      }
      if (prop === 'updateRecord' && observer.updated) {
        return (...args: Parameters<Hypervisor['updateRecord']>) => {
          const before = target.get(args[0]);
          target.updateRecord(...args);
          observer.updated!(before, target.get(args[0]));
        };
      }
      if ((prop === 'attachDevice' || prop === 'detachDevice') && observer.plugged && typeof target[prop] === 'function') {
        const call = target[prop] as (domid: number, device: HvDevice, ...rest: unknown[]) => void | Promise<void>;
        return (domid: number, device: HvDevice, ...rest: unknown[]) => {
          const told = () => {
            const d = target.get(domid);
            if (d) observer.plugged!(d, device, prop === 'attachDevice');
          };
          const done = call.call(target, domid, device, ...rest);
          return done instanceof Promise ? done.then(told) : told();
        };
      }
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      const known = bound.get(prop);
      if (known && known.method === v) return known.bound;
      const b = (v as (...a: unknown[]) => unknown).bind(target);
      bound.set(prop, { method: v, bound: b });
      return b;
    },
  });
}
