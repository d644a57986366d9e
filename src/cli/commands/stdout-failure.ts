import { CliError, SilentError } from '../errors.js';
import type { CommandContext } from '../context.js';

/** A failure xm printed on stdout without `Error:` (exit 1); in --json mode it is the error document. */
export function failOnStdout(ctx: CommandContext, text: string): never {
  if (ctx.json) throw new CliError(text);
  ctx.event(text, {});
  throw new SilentError(1);
}
