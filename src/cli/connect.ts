import { XendClient } from '../client/xend-client.js';
import { openTransport } from '../transport/open.js';
import { ServerUriError } from '../transport/uri.js';
import { CliError } from './errors.js';
import type { Io } from './main.js';

/** The client for --server, XM_SERVER, xm-config.xml or the default socket; built only when a command calls xend. */
export function connect(serverUri: string | undefined, io: Io): XendClient {
  try {
    return new XendClient(openTransport(serverUri, io.env, (msg) => io.stderr(`${msg}\n`)));
  } catch (err) {
    if (err instanceof ServerUriError) throw new CliError(err.message);
    throw err;
  }
}
