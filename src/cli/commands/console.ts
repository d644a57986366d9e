import { CliError, SilentError } from '../errors.js';
import { openLog, relay, type SessionResult } from '../console-session.js';
import { hasStopped } from '../../protocol/domain.js';
import type { CommandContext } from '../context.js';

/**
 * `xm console [-q] [-n N] DOM`: attach to a domain's console over the same
 * connection as every other command. Added: --replay[=N] (history first),
 * --log FILE (tee), --read-only, --force (take over from another writer), --safe
 * (the guest's terminal-controlling sequences dropped; the default with --replay).
 */
export async function run(ctx: CommandContext): Promise<SessionResult> {
  const dom = ctx.args[0]!;
  const quiet = ctx.opts.has('quiet');
  const num = ctx.opts.string('num');
  try {
    if (num !== undefined && !num.startsWith('0')) throw new CliError(`Console ${num} does not exist: domains have one console (hvc0)`);
    const client = ctx.client();
    const d = await client.domain(dom);
    if (d.domid === null || hasStopped(d.state)) throw new CliError(`Domain '${dom}' is not started`, 1, true);
    const replay = ctx.opts.get('replay');
    const log = openLog(ctx.opts.string('log'));
    const stream = await client.console(dom, {
      write: !ctx.opts.has('read-only'),
      force: ctx.opts.has('force'),
      ...(replay !== undefined && { replay: typeof replay === 'number' ? replay : ('all' as const) }),
    });
    return await relay(ctx, d.name, stream, { tee: log, quiet, safe: ctx.opts.has('safe') || replay !== undefined });
  } catch (err) {
    if (quiet) throw new SilentError(1);
    throw err;
  }
}

export const text = (): string => '';
