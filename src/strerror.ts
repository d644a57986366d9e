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

/** The C library's wording for a socket error, which is what xm printed. */
export function strerror(err: NodeJS.ErrnoException): string {
  return (err.code && STRERROR[err.code]) || err.message;
}
