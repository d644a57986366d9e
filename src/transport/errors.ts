/**
 * Failures of a call to xend, as a transport reports them to the client (and the CLI,
 * which decides how they read): unreachable, not XML-RPC, a fault, too slow.
 */

/** xend could not be reached at all (xm: `Unable to connect to xend: <strerror>. Is xend running?`). */
export class XendUnreachableError extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** xend answered with something that is not an XML-RPC response (xm: `Xend has probably crashed!`). */
export class XendProtocolError extends Error {
  constructor(
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`ProtocolError(${status}, ${statusText})`);
  }
}

/** xend answered with a fault: 1 internal, 2 XendError, 3 unknown domain. */
export class XendFaultError extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
  }
}

/** A call that did not finish within its time limit. */
export class XendTimeoutError extends Error {}
