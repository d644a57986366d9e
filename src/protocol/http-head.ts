/**
 * HTTP/1.1 heads as this suite writes and reads them by hand, without node:http:
 * xm's XML-RPC client (raw-http.ts), the ssh transport, xm serve, and xend's
 * refusals of a console upgrade.
 */

/** The head as it goes on: CRLF line ends, `Connection` and `Content-Length` set to what the sender means. */
export function formatHead(startLine: string, headers: readonly (readonly [string, string | number])[]): string {
  return `${startLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

/** A short text/plain response: an error said in a line where no HTTP server stands (xm serve, a refused upgrade). */
export function plainResponse(status: number, reason: string, body: string, headers: readonly (readonly [string, string])[] = []): string {
  return formatHead(`HTTP/1.1 ${status} ${reason}`, [['Content-Type', 'text/plain'], ['Content-Length', Buffer.byteLength(body)], ...headers]) + body;
}

/** A response's status line, `HTTP/1.1 200 OK` (the reason may be left out); null when it is not one. */
export function statusLine(line: string): { status: number; reason: string } | null {
  const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(line);
  return m && { status: Number(m[1]), reason: m[2] ?? '' };
}
