import { statSync } from 'node:fs';
import type { CommandContext } from './context.js';
import type { XendClient } from '../client/xend-client.js';

/** How often a save or migration's progress is asked for. */
const POLL_MS = 250;
const MiB = 1024 * 1024;

/**
 * Shows a save's or migration's progress while `finished()` is false: the spinner's line on
 * a terminal and, given `event`, one record per change for --json. Resolves once it stopped.
 */
export async function watchTransfer(
  ctx: CommandContext,
  client: XendClient,
  uuid: string,
  label: string,
  finished: () => boolean,
  event?: (p: Record<string, unknown>, rate: number) => void,
): Promise<void> {
  // Nobody would see it: no requests for it either.
  if (!(ctx.json ? event : ctx.interactive)) return;
  let last = -1;
  while (!finished()) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const p = await client.migrateProgress(uuid).catch(() => null);
    if (!p || finished() || p.bytesSent === undefined || p.bytesSent === last) continue;
    last = Number(p.bytesSent);
    const mib = last / MiB;
    const rate = mib / (Number(p.elapsedMs) / 1000 || 1);
    ctx.progress(`${label}: ${progressLine(p, mib, rate)}`);
    if (ctx.json) event?.(p, rate);
  }
}

/** Round, how much of it is sent, the rate and what is left at that rate (xl's and virsh --verbose's line). */
export function progressLine(p: Record<string, unknown>, mib: number, rate: number): string {
  const dirty = Number(p.dirtyPages ?? 0);
  const roundPages = Number(p.roundPages ?? (p.round === 1 ? p.memoryPages : 0));
  const done = roundPages > 0 ? `, ${Math.floor((100 * (roundPages - dirty)) / roundPages)}% of the round` : '';
  const eta = dirty > 0 && rate > 0 ? `, about ${seconds(((dirty * 4096) / MiB / rate) * 1000)} left` : '';
  const paused = p.phase === 'suspended' ? ', paused for the last pages' : '';
  return `round ${String(p.round)}${done}, ${mib.toFixed(1)} MiB sent, ${rate.toFixed(1)} MiB/s${eta}${paused}`;
}

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
export const size = (bytes: number): string => (bytes >= 1024 * MiB ? `${(bytes / 1024 / MiB).toFixed(1)} GiB` : `${(bytes / MiB).toFixed(1)} MiB`);


/** `, 1.0 GiB`: a save file's size when it is on this host too (xend may be another host's). */
export function sizeOf(path: string): string {
  try {
    return `, ${size(statSync(path).size)}`;
  } catch {
    return '';
  }
}
