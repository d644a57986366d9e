import type { Duplex } from 'node:stream';
import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';
import type { ConsoleOptions } from './console-stream.js';

/** One way of reaching xend. Every command works over every transport. */
export interface Transport {
  call(method: string, params: XmlRpcValue[], opts?: { timeoutMs?: number }): Promise<XmlRpcValue>;
  /** A domain's console as a byte stream, over the same connection as the calls. */
  openConsole(dom: string, opts: ConsoleOptions): Promise<Duplex>;
  close(): void;
}
