import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { CliError } from './errors.js';
import { strerror } from '../strerror.js';
import { ESCAPE } from '../protocol/console.js';
import { SafeTerminal } from './safe-terminal.js';
import type { Duplex } from 'node:stream';
import type { CommandContext } from './context.js';

export interface SessionResult {
  domain: string;
  /** 'detached' (Ctrl-]), 'closed' (the domain went away), 'eof' (input ended). */
  ended: 'detached' | 'closed' | 'eof';
}

/** After input ends on a pipe, how long output may still arrive before xm detaches. */
const DRAIN_MS = 500;

/**
 * Relays a console stream to the terminal as xenconsole did: raw mode, Ctrl-]
 * detaches, the terminal is restored however the session ends. On a terminal it
 * says how to leave (virsh's words; not with `quiet`) and ends on a fresh line, so
 * the shell's prompt does not land on the guest's. `tee` (openLog) gets the output to
 * a file.
 */
export function relay(ctx: CommandContext, domain: string, stream: Duplex, opts: { tee?: WriteStream | null; quiet?: boolean; safe?: boolean } = {}): Promise<SessionResult> {
  const { input, output } = ctx.terminal;
  const tee = opts.tee ?? null;
  const safe = opts.safe ? new SafeTerminal() : null;
  tee?.once('error', (err: NodeJS.ErrnoException) => ctx.warn(`the console log stopped: ${strerror(err)}`));
  const raw = input.isTTY === true;
  if (raw && !opts.quiet) ctx.warn('Escape character is ^]');
  if (raw) input.setRawMode(true);
  let midLine = false;
  return new Promise((resolve) => {
    let done = false;
    const finish = (ended: SessionResult['ended']) => {
      if (done) return;
      done = true;
      input.off('data', onInput);
      input.off('end', onEnd);
      input.pause();
      if (raw) input.setRawMode(false);
      if (raw && midLine) output.write('\r\n');
      stream.destroy();
      // xm exits as soon as the session's result is out: the log is complete by then.
      const result: SessionResult = { domain, ended };
      if (tee) tee.end(() => resolve(result));
      else resolve(result);
    };
    const onInput = (chunk: Buffer) => {
      const escape = chunk.indexOf(ESCAPE);
      if (escape < 0) {
        stream.write(chunk);
        return;
      }
      if (escape > 0) stream.write(chunk.subarray(0, escape));
      finish('detached');
    };
    const onEnd = () => setTimeout(() => finish('eof'), DRAIN_MS);
    stream.on('data', (d: Buffer) => {
      // The log keeps what the guest wrote; the terminal gets what is safe for it.
      tee?.write(d);
      const shown = safe ? safe.push(d) : d;
      if (!shown.length) return;
      midLine = shown[shown.length - 1] !== 0x0a;
      output.write(shown);
    });
    stream.on('close', () => finish('closed'));
    stream.on('error', () => finish('closed'));
    input.on('data', onInput);
    input.on('end', onEnd);
    input.resume();
  });
}

/** `--log FILE`, opened before the session starts: a path that cannot be written is an error, not a crash later. */
export function openLog(path: string | undefined): WriteStream | null {
  if (path === undefined) return null;
  try {
    return createWriteStream(path, { fd: openSync(path, 'a', 0o644) });
  } catch (err) {
    throw new CliError(`Cannot open ${path}: ${strerror(err as NodeJS.ErrnoException)}`);
  }
}

