import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';

/** One way of reaching xend. Every command works over every transport. */
export interface Transport {
  call(method: string, params: XmlRpcValue[], opts?: { timeoutMs?: number }): Promise<XmlRpcValue>;
  close(): void;
}
