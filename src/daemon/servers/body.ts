import type { IncomingMessage } from 'node:http';

export class BodyTooLarge extends Error {}

/**
 * Reads a request body, refusing (and dropping the connection) past `limit` bytes.
 * The bytes as sent: decoding is the parser's, which refuses invalid UTF-8.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      req.resume();
      return reject(new BodyTooLarge());
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let ended = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.destroy();
        reject(new BodyTooLarge());
      } else chunks.push(c);
    });
    req.on('end', () => {
      ended = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    });
    req.on('error', reject);
    // A connection dropped mid-body (its deadline passed) ends the read too. Every request
    // closes once answered: no error (and its stack) is made for one whose body was read.
    req.on('close', () => {
      if (!ended) reject(new Error('request body unfinished'));
    });
  });
}
