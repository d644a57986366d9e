import { writeSync } from 'node:fs';

/**
 * xm's standard output, written with fs.writeSync as Node's own stream writes to a
 * file: building process.stdout loads Node's stream machinery (~1.5 ms), which a
 * command printing a few lines (`xm --version`, `help`) has no other use for. What
 * writeSync cannot take at once (a full non-blocking pipe or terminal: EAGAIN) goes
 * to process.stdout, and so does everything after it, to stay in order.
 */
let stream: NodeJS.WriteStream | undefined;
/** The reader went away (`xm list | head`): the rest of the output goes nowhere. */
let closed = false;
/** Whether any output has gone out (or is queued to), for quick-list.ts to know if a failed write is its own to report. */
let started = false;

export const outputStarted = (): boolean => started;

export function writeOut(text: string): void {
  if (closed) return;
  if (stream) {
    started = true;
    stream.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EPIPE') closed = true;
    else if (code === 'EAGAIN') outStream().write(bytes.subarray(done));
    else {
      started ||= done > 0;
      throw err;
    }
  }
  started = true;
}

/** process.stdout, from now on the way out for everything written here too. */
export function outStream(): NodeJS.WriteStream {
  if (!stream) {
    stream = process.stdout;
    // A closed pipe ends the output, it is not a crash; nor is a terminal that went
    // away (EIO), though nothing more can be shown and xm then fails.
    stream.on('error', (err: NodeJS.ErrnoException) => {
      closed = true;
      if (err.code !== 'EPIPE') process.exitCode = 1;
    });
  }
  return stream;
}

/** Calls back once all the output is out (an empty write calls back after the writes before it). */
export function afterOut(callback: () => void): void {
  if (stream) stream.write('', () => callback());
  else callback();
}
