import { XendError } from '../protocol/faults.js';
import type { Hypervisor } from '../hypervisor/types.js';

/** The backend calls not every backend has. */
type OptionalCall = { [K in keyof Hypervisor]-?: undefined extends Hypervisor[K] ? K : never }[keyof Hypervisor];

/** An optional backend call, or xend's refusal naming the backend that cannot do `what`. */
export function backendCall<K extends OptionalCall>(hv: Hypervisor, call: K, what: string): NonNullable<Hypervisor[K]> {
  const fn = hv[call];
  if (typeof fn !== 'function') throw new XendError(`The ${hv.name} hypervisor backend cannot ${what}`);
  return (fn as (...args: unknown[]) => unknown).bind(hv) as NonNullable<Hypervisor[K]>;
}
