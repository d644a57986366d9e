import type { Duplex } from 'node:stream';
import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { ConsoleOptions } from './console-stream.js';

export interface CallOptions {
  timeoutMs?: number;
  /** The reply is a list of SXP lists of which only these children are needed (see ResponseOptions): a transport may leave the others out. */
  sxpKeys?: ReadonlySet<string>;
}

/** One way of reaching xend. Every command works over every transport. */
export interface Transport {
  call(method: string, params: XmlRpcValue[], opts?: CallOptions): Promise<XmlRpcValue>;
  /** A domain's console as a byte stream, over the same connection as the calls. */
  openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex>;
  close(): void;
}
