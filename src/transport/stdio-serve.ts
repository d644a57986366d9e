import { connect, type Socket } from 'node:net';
import { formatHead, plainResponse } from '../protocol/http-head.js';
import { header, HttpMessageReader, HttpStreamError, type HttpMessage } from './http-stream.js';

/**
 * What a request on standard input may be: xend refuses bodies beyond its own
 * xend-max-request-bytes (4 MiB by default); this only stops a runaway peer.
 */
const LIMITS = { maxHeadBytes: 64 << 10, maxBodyBytes: 64 << 20 };

/**
 * xm serve: the requests read on `input` go to xend's XML-RPC Unix socket, its
 * replies to `output`, one after another, until `input` ends. xm 4.4 copied bytes
 * both ways over one connection; this one reads each request whole (LF-only heads,
 * as xm's SSHTransport sent, are given CRLFs) and sends it on a connection of its
 * own, so xend's idle limit between requests cannot end a long ssh session.
 * A console request (HTTP Upgrade) turns the rest of the session into its stream.
 * Rejects with the connect error when xend cannot be reached at the start.
 */
export async function serveStdio(socketPath: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  (await open(socketPath)).destroy();
  const reader = new HttpMessageReader(LIMITS, isUpgrade);
  return new Promise((resolve, reject) => {
    let work = Promise.resolve();
    let ended = false;
    const finish = () => {
      input.off('data', onData);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      input.pause();
      work = work
        .then(async () => {
          let messages: HttpMessage[];
          try {
            messages = reader.push(chunk);
          } catch (err) {
            if (!(err instanceof HttpStreamError)) throw err;
            // The stream is out of step: say why, then stop, as a server closes such a connection.
            output.write(plainResponse(400, 'Bad Request', `${err.message}\n`));
            ended = true;
            return finish();
          }
          for (const m of messages) {
            if (isUpgrade(m)) {
              ended = true;
              input.off('data', onData);
              await upgrade(socketPath, m, reader.takeRest(), input, output);
              return resolve();
            }
            await forward(socketPath, m, output);
          }
          input.resume();
        })
        .catch(reject);
    };
    input.on('data', onData);
    input.once('end', () => void work.then(() => ended || finish()));
    input.once('error', reject);
  });
}

const isUpgrade = (m: HttpMessage): boolean => header(m, 'upgrade') !== undefined;

function open(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ path: socketPath });
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

/** The request as xend gets it: CRLF line ends and `Connection: close`, so xend's reply ends with the connection. */
function request(m: HttpMessage, connection: string): Buffer {
  const headers = m.headers.filter(([k]) => k !== 'connection' && k !== 'content-length' && k !== 'keep-alive');
  const head = formatHead(m.startLine, [...headers, ['connection', connection], ['content-length', m.body.length]]);
  return Buffer.concat([Buffer.from(head, 'latin1'), m.body]);
}

/**
 * One request on its own connection; xend's reply copied out as it arrives. xend gone
 * mid-session, or gone before it answered: a 502 reply, so the caller is not left waiting.
 */
async function forward(socketPath: string, m: HttpMessage, output: NodeJS.WritableStream): Promise<void> {
  const gone = (why: string) => output.write(plainResponse(502, 'Bad Gateway', `${why}\n`));
  let socket: Socket;
  try {
    socket = await open(socketPath);
  } catch (err) {
    gone(`xend is unreachable: ${(err as Error).message}`);
    return;
  }
  let answered = false;
  await new Promise<void>((resolve) => {
    socket.once('close', () => {
      if (!answered) gone('xend closed the connection without a reply');
      resolve();
    });
    socket.on('data', (d: Buffer) => {
      answered = true;
      if (!output.write(d)) {
        socket.pause();
        output.once('drain', () => socket.resume());
      }
    });
    socket.once('error', () => {});
    socket.write(request(m, 'close'));
  });
}

/** A console: the upgrade request and whatever followed it, then bytes both ways until either side ends. */
async function upgrade(socketPath: string, m: HttpMessage, rest: Buffer, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const socket = await open(socketPath);
  socket.write(request(m, 'Upgrade'));
  if (rest.length) socket.write(rest);
  await new Promise<void>((resolve) => {
    socket.pipe(output as NodeJS.WritableStream, { end: false });
    input.pipe(socket);
    input.resume();
    socket.once('close', () => {
      input.unpipe(socket);
      resolve();
    });
    socket.once('error', () => {});
  });
}
