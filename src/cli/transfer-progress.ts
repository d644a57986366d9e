import { statSync } from 'node:fs';
import type { CommandContext } from './context.js';
import type { XendClient } from '../client/xend-client.js';

/** How often a save or migration's progress is asked for. */
const POLL_MS = 250;
const MiB = 1024 * 1024;

/** Why xm asked xend to cancel: Ctrl-C, --timeout, or a second Ctrl-C that did not wait for the answer. */
export type CancelReason = 'interrupt' | 'timeout' | 'quit';

export interface TransferOptions {
  /** What xend knows the transfer by, for its progress and its cancel (a domain; a restore's file). */
  id: string;
  /** The spinner's text, before the progress. */
  label: string;
  /** The progress after the label (a save's or migration's by default), from xend's record, MiB moved and the rate. */
  line?: (p: Record<string, unknown>, mib: number, rate: number) => string;
  /** Given: one --json record per change. */
  event?: (p: Record<string, unknown>, rate: number) => void;
  /** Given: Ctrl-C (and `timeoutS`) asks xend to cancel; this is the error to report then. */
  cancelled?: (why: CancelReason) => Error;
  timeoutS?: number | null;
}

/**
 * Runs a long xend call (save, restore, migrate) with its progress shown (the spinner's
 * line on a terminal, JSON records given `event`) and, given `cancelled`, cancellable:
 * Ctrl-C or the timeout asks xend to cancel and waits for its answer (the domain is then
 * as it was); a second Ctrl-C leaves at once.
 */
export async function runTransfer<T>(ctx: CommandContext, client: XendClient, call: () => Promise<T>, o: TransferOptions): Promise<T> {
  const state = { finished: false, cancelling: false };
  const running = call().finally(() => (state.finished = true));
  const watch = watchTransfer(ctx, client, o, state);
  const cancel = o.cancelled ? cancelOnInterrupt(client, o.id, o.timeoutS ?? null, () => (state.cancelling = true)) : null;
  try {
    return await (cancel ? Promise.race([running, cancel.quit]) : running);
  } catch (err) {
    if (cancel?.reason()) throw o.cancelled!(cancel.reason()!);
    throw err;
  } finally {
    state.finished = true;
    cancel?.dispose();
    await watch;
  }
}

/** Ctrl-C and the timeout ask xend to cancel `id`; `quit` rejects at a Ctrl-C after that. */
function cancelOnInterrupt(client: XendClient, id: string, timeoutS: number | null, onCancel: () => void) {
  let reason: CancelReason | null = null;
  let leave: () => void = () => {};
  const quit = new Promise<never>((_, reject) => (leave = () => reject(new Error('quit'))));
  // Never left unhandled: it rejects only for the race that awaits it.
  quit.catch(() => {});
  const cancel = (why: CancelReason) => {
    reason ??= why;
    onCancel();
    void client.migrateCancel(id).catch(() => {});
  };
  const onSigint = () => {
    if (reason === null) return cancel('interrupt');
    reason = 'quit';
    leave();
  };
  process.on('SIGINT', onSigint);
  const timer = timeoutS === null ? null : setTimeout(() => cancel('timeout'), timeoutS * 1000);
  return {
    quit,
    reason: () => reason,
    dispose() {
      process.off('SIGINT', onSigint);
      if (timer) clearTimeout(timer);
    },
  };
}

/** Shows the transfer's progress until it finished; asks for it only when someone would see it. */
async function watchTransfer(ctx: CommandContext, client: XendClient, o: TransferOptions, state: { finished: boolean; cancelling: boolean }): Promise<void> {
  if (!(ctx.json ? o.event : ctx.interactive)) return;
  const line = o.line ?? progressLine;
  let last = -1;
  let shown = '';
  while (!state.finished) {
    await new Promise((r) => setTimeout(r, POLL_MS));
    const p = await client.migrateProgress(o.id).catch(() => null);
    if (state.finished) break;
    const bytes = p?.bytesSent ?? p?.bytesRead;
    if (p && bytes !== undefined && bytes !== last) {
      last = Number(bytes);
      const rate = last / MiB / (Number(p.elapsedMs) / 1000 || 1);
      shown = line(p, last / MiB, rate);
      if (ctx.json) o.event?.(p, rate);
    }
    if (shown || state.cancelling) ctx.progress(`${o.label}: ${state.cancelling ? 'cancelling (Ctrl-C again to stop waiting)' : shown}`);
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

/** A restore's share of its file read, the rate and what is left at that rate. */
export function restoreLine(p: Record<string, unknown>, mib: number, rate: number): string {
  const total = Number(p.totalBytes ?? 0) / MiB;
  const share = total > 0 ? `${Math.floor((100 * mib) / total)}% of ${size(total * MiB)}, ` : '';
  const eta = total > mib && rate > 0 ? `, about ${seconds(((total - mib) / rate) * 1000)} left` : '';
  return `${share}${mib.toFixed(1)} MiB read, ${rate.toFixed(1)} MiB/s${eta}`;
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
