import type { Duplex } from 'node:stream';
import type { ListingRead, XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { ConsoleOptions } from './console-stream.js';

/**
 * With sxpKeys, the reply is a list of SXP lists of which only these children are needed: a
 * transport may leave the others out. With eachItem, the reply is the list of what it makes of
 * each item, made as each is read where the transport can (ListingRead).
 */
export interface CallOptions extends ListingRead {
  timeoutMs?: number;
}

/** One way of reaching xend. Every command works over every transport. */
export interface Transport {
  call(method: string, params: XmlRpcValue[], opts?: CallOptions): Promise<XmlRpcValue>;
  /** A domain's console as a byte stream, over the same connection as the calls. */
  openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex>;
  close(): void;
}
