/**
 * xend's legacy XML-RPC fault codes (XendClient.py) and the server-side errors
 * that map onto them. Every layer of xend throws these; the servers turn them
 * into faults (XML-RPC) or `(xend.err …)` bodies (HTTP).
 */
export const ERROR_INTERNAL = 1;
export const ERROR_GENERIC = 2;
export const ERROR_INVALID_DOMAIN = 3;

/** XendError and its subclasses (VmError, VMBadState…): fault 2. */
export class XendError extends Error {
  readonly faultCode: number = ERROR_GENERIC;
}

/** A domain lookup that failed: fault 3 whose string is the domain as given. */
export class XendInvalidDomain extends XendError {
  override readonly faultCode = ERROR_INVALID_DOMAIN;
  constructor(readonly domain: string) {
    super(domain);
  }
}

export function faultOf(err: unknown): { faultCode: number; faultString: string } {
  if (err instanceof XendError) return { faultCode: err.faultCode, faultString: err.message };
  return { faultCode: ERROR_INTERNAL, faultString: err instanceof Error ? err.message : String(err) };
}
