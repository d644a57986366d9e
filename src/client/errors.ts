/** Failures of a call to xend, as the transport and client see them; the CLI decides how they read. */

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

const STRERROR: Record<string, string> = {
  ENOENT: 'No such file or directory',
  ECONNREFUSED: 'Connection refused',
  EACCES: 'Permission denied',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ENOTSOCK: 'Socket operation on non-socket',
  EPIPE: 'Broken pipe',
  ENOTFOUND: 'Name or service not known',
  ENOSPC: 'No space left on device',
  EISDIR: 'Is a directory',
  ENOTDIR: 'Not a directory',
  EROFS: 'Read-only file system',
  EEXIST: 'File exists',
  EIO: 'Input/output error',
  EPERM: 'Operation not permitted',
  EMFILE: 'Too many open files',
  EAI_AGAIN: 'Temporary failure in name resolution',
  ELOOP: 'Too many levels of symbolic links',
};

/** The C library's wording for a socket error, which is what xm printed. */
export function strerror(err: NodeJS.ErrnoException): string {
  return (err.code && STRERROR[err.code]) || err.message;
}
