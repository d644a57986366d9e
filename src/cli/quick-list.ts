import { listing } from '../client/listing.js';
import { chooseServer } from '../transport/server-choice.js';
import { parseServerUri } from '../transport/uri.js';
import { XmlRpcTransport } from '../transport/xmlrpc.js';
import { json as listJson, shortListing, text as listText } from './commands/list.js';
import { envelope } from './render/envelope.js';
import { afterOut, outputStarted, writeOut } from './stdout.js';

/**
 * `xm list` and `xm list --json`, the commonest commands, run from a bundle of their own
 * (dist/xm-list.cjs) when bin/xm sees exactly those words: list.ts's listing and renderers over
 * the XML-RPC socket, without the full client's core (the command table, getopt, help, every
 * transport, the contract's 150 methods: 143 KB against 55), which cost `xm list` ~12 ms on
 * Node 24 and ~8 on Node 20.
 *
 * It answers only when everything goes as usual: xend on its Unix socket, chosen without a
 * warning, and a good reply. Otherwise it resolves false having printed nothing, and the
 * launcher runs the full client, which asks again (a listing changes nothing) and reports what
 * happened in xm's words. A write that fails before any output goes the same way (the full
 * client meets it too); one that fails part way is reported here, in the full client's words:
 * asked again, the full client would print the listing twice.
 */
export async function run(json: boolean): Promise<boolean> {
  let text: string;
  try {
    let warned = false;
    const address = parseServerUri(chooseServer(undefined, process.env, () => (warned = true)).uri);
    if (warned || address.protocol !== 'xmlrpc' || !('socketPath' in address)) return false;
    const transport = new XmlRpcTransport(address);
    const data = { domains: await shortListing({ listing: (state, keys, each) => listing(transport, state, keys, each) }, json, 'all') };
    text = json ? envelope(listJson(data)) : listText(data);
  } catch {
    return false;
  }
  try {
    writeOut(text);
  } catch (err) {
    if (!outputStarted()) return false;
    // Part of the listing is out: the full client would print it again. Its words for the failure.
    process.stderr.write(`Error: internal error: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
  afterOut(() => process.exit()); // as main.ts's run: not waiting for V8's background compiles
  return true;
}
