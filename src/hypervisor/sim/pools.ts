import { EINVAL } from '../cpu-pools.js';
import type { SedfParams } from '../types.js';

/** sched_sedf.c's defaults for a new VCPU: best effort, extratime only. */
export const SEDF_DEFAULTS: SedfParams = { period: 100_000_000, slice: 0, latency: 0, extratime: 1, weight: 0 };
const SEDF_PERIOD_MIN = 10_000;
const SEDF_PERIOD_MAX = 10_000_000_000;
const SEDF_SLICE_MIN = 5_000;

/** sedf_adjust's putinfo: weight-driven with extratime, weight-driven real-time, or time-driven within its bounds. */
export function adjustSedf(now: SedfParams, asked: SedfParams): SedfParams {
  if (!asked.period && !asked.weight) throw new Error(EINVAL);
  const extratime = asked.extratime & 1;
  if (asked.weight) {
    if (extratime && !asked.period) return { period: SEDF_DEFAULTS.period, slice: 0, latency: asked.latency, extratime, weight: 0 };
    return { ...now, latency: asked.latency, extratime, weight: asked.weight };
  }
  if (asked.period > SEDF_PERIOD_MAX || asked.period < SEDF_PERIOD_MIN || asked.slice > asked.period || asked.slice < SEDF_SLICE_MIN) throw new Error(EINVAL);
  return { period: asked.period, slice: asked.slice, latency: asked.latency, extratime, weight: 0 };
}
