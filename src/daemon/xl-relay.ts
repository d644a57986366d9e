import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { XL_RECEIVE } from '../protocol/relocation.js';
import { migrationHost, migrationPort, RELAY_TAG } from '../hypervisor/xen/migrate.js';
import { connectRelocation, parseRemoteError } from './migration.js';

/*
 * `xend __xl-relay PORT RECORD HOST xl migrate-receive…`: the command xl's
 * `migrate -s` runs (hypervisor/xen/migrate.ts builds it). It connects to HOST's relocation
 * server (whose hosts-allow admits it or not), asks `xlreceive` with xend's
 * record of the domain (the file RECORD), and once the receiver answers
 * `(ready xlreceive)` carries xl's stream both ways: its stdin to the
 * connection, the connection to its stdout. It tells xl's stderr (which xend
 * reads) how much it sent, and why it stopped when it failed.
 */

/** The receiver's first line, before which nothing of xl's is carried. */
const MAX_REPLY = 64 * 1024;
/** At most one progress line per this many bytes. */
const PROGRESS_BYTES = 1 << 20;

export async function xlRelay(argv: string[]): Promise<number> {
  const say = (line: string) => process.stderr.write(`${RELAY_TAG} ${line}\n`);
  try {
    const [portArg = '', record = '', host = ''] = argv;
    const port = migrationPort(Number(portArg));
    migrationHost(host);
    const header = readFileSync(record);
    const socket = await connectRelocation(host, port, false);
    socket.write(`${XL_RECEIVE}\n`);
    socket.write(header);
    const rest = await readyLine(socket, `${host}:${port}`);
    await carry(socket, rest, (sent) => say(`${sent} bytes sent`));
    return 0;
  } catch (err) {
    say((err as Error).message);
    return 1;
  }
}

/** The receiver's first line: `(ready xlreceive)`, or its `(err … (value '…'))` as the failure; what followed it is xl's. */
function readyLine(socket: Socket, where: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (data: Buffer) => {
      got = Buffer.concat([got, data]);
      const nl = got.indexOf(0x0a);
      if (nl < 0 && got.length < MAX_REPLY) return;
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      const line = got.subarray(0, Math.max(nl, 0)).toString('utf8');
      if (line === `(ready ${XL_RECEIVE})`) return resolve(got.subarray(nl + 1));
      reject(parseRemoteError(line, where) ?? new Error(`${where} refused: ${line.slice(0, 200)}`));
    };
    const onClose = () => reject(new Error(`${where} closed the connection`));
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.on('error', () => {});
  });
}

/** xl's stream both ways until the connection closes; `sent` hears the bytes sent so far. */
function carry(socket: Socket, first: Buffer, sent: (bytes: number) => void): Promise<void> {
  return new Promise((resolve) => {
    if (first.length) process.stdout.write(first);
    let bytes = 0;
    let told = 0;
    process.stdin.on('data', (data: Buffer) => {
      bytes += data.length;
      if (bytes - told >= PROGRESS_BYTES) sent((told = bytes));
      if (!socket.write(data)) {
        process.stdin.pause();
        socket.once('drain', () => process.stdin.resume());
      }
    });
    process.stdin.on('end', () => {
      sent(bytes);
      socket.end();
    });
    socket.pipe(process.stdout);
    socket.on('close', () => {
      process.stdin.destroy();
      resolve();
    });
    socket.resume();
  });
}
