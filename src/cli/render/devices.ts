import { left, lines } from './format.js';
import type { Sxp } from '../../sxp/types.js';
import { pairValue } from '../../sxp/access.js';

/** One device of getDeviceSxprs, its fields as xm's parse_dev_info read them. */
export interface DeviceRow {
  devid: number;
  backendId: number;
  handle: number;
  state: number;
  bePath: string;
  eventChannel: number;
  mac: string;
  txRingRef: number;
  rxRingRef: number;
  ringRef: number;
}

/** parse_dev_info: each field from the device's `(key value)` pairs, or xm's default; numbers as Python's int() of the text. */
export function parseDevInfo(devid: number, info: Sxp): DeviceRow {
  const get = (key: string): Sxp | undefined => pairValue(info, key);
  const num = (key: string, dflt: number) => {
    const v = get(key);
    return v === undefined ? dflt : pyInt(v);
  };
  const str = (key: string, dflt: string) => {
    const v = get(key);
    return v === undefined ? dflt : String(v);
  };
  return {
    devid,
    backendId: num('backend-id', -1),
    handle: num('handle', 0),
    state: num('state', -1),
    bePath: str('backend', '??'),
    eventChannel: num('event-channel', -1),
    mac: str('mac', '??'),
    txRingRef: num('tx-ring-ref', -1),
    rxRingRef: num('rx-ring-ref', -1),
    ringRef: num('ring-ref', -1),
  };
}

/** Python's int() of a value xend sent (xenstore's text, or an int). */
export function pyInt(v: Sxp): number {
  if (typeof v === 'number') return Math.trunc(v);
  const s = String(v).trim();
  if (!/^[-+]?\d+$/.test(s)) throw new Error(`invalid literal for int() with base 10: '${String(v)}'`);
  return Number(s);
}

/** `%-Nd`: Python's int, left-aligned. */
const d = (v: number, w: number) => left(v, w);

/** xm block-list's table: a header, then a line per disk (xm's format string, trailing spaces and all). */
export function blockTable(rows: readonly DeviceRow[]): string {
  if (!rows.length) return '';
  return lines([
    'Vdev  BE handle state evt-ch ring-ref BE-path',
    ...rows.map((r) => `${d(r.devid, 5)}  ${d(r.backendId, 3)}  ${d(r.handle, 3)}   ${d(r.state, 3)}    ${d(r.eventChannel, 3)}    ${d(r.ringRef, 5)} ${left(r.bePath, 30)}  `),
  ]);
}

/** xm network-list's table. */
export function networkTable(rows: readonly DeviceRow[]): string {
  if (!rows.length) return '';
  return lines([
    'Idx BE     MAC Addr.     handle state evt-ch tx-/rx-ring-ref BE-path',
    ...rows.map(
      (r) =>
        `${d(r.devid, 3)} ${d(r.backendId, 3)}${left(r.mac, 17)}    ${d(r.handle, 3)}   ${d(r.state, 3)}    ${d(r.eventChannel, 3)}   ${d(r.txRingRef, 5)}/${d(r.rxRingRef, 5)}   ${left(r.bePath, 30)}  `,
    ),
  ]);
}
