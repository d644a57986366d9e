/** errno codes in the C library's words, which xm and xend printed (shared by client, transports and daemon). */

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

/**
 * The C library's wording for a socket error, which is what xm printed. OpenSSL's messages carry
 * its internal location and a newline: its reason alone is said, on one line.
 */
export function strerror(err: NodeJS.ErrnoException & { reason?: string }): string {
  const known = err.code && STRERROR[err.code];
  if (known) return known;
  const reason = err.reason ?? /SSL routines:[^:]*:([^:]+)/.exec(err.message)?.[1];
  if (reason && (err.code?.startsWith('ERR_SSL_') || err.code === 'EPROTO')) return `TLS: ${reason}`;
  return err.message.replace(/\s+/g, ' ').trim();
}
