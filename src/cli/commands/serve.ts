import { xendPaths } from '../../config/paths.js';
import { strerror } from '../../strerror.js';
import { CliError } from '../errors.js';
import type { CommandContext } from '../context.js';

/**
 * `xm serve`: xend's XML-RPC over standard input and output, for `ssh HOST xm serve`
 * (xm --server ssh://HOST). Like xm 4.4 it reaches the local xend's Unix socket,
 * whatever --server or XM_SERVER say: it is the far end of such a connection.
 */
export async function run(ctx: CommandContext): Promise<void> {
  const { serveStdio } = await import('../../transport/stdio-serve.js');
  const socket = xendPaths(ctx.env).xmlrpcSocket;
  try {
    await serveStdio(socket, ctx.terminal.input, ctx.terminal.output);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === undefined) throw err;
    throw new CliError(`Unable to connect to xend: ${strerror(err as NodeJS.ErrnoException)}. Is xend running?\nxm serve looked for xend at httpu://${socket}.`);
  }
}

export const text = (): string => '';
