// A FIFO's reading end for tests that have xend write into a pipe.
import { closeSync, constants, createReadStream, openSync, type ReadStream } from 'node:fs';

/**
 * A reader on a FIFO, there before any writer. xend opens FIFOs without blocking
 * (nobody reading is an error at once), while a plain open for reading would
 * itself wait for a writer: a non-blocking open holds the reading end until the
 * stream's own open has returned. `release()` lets a stream whose writer never
 * came go (a blocked open would keep the test process alive).
 */
export function fifoReader(path: string, highWaterMark = 64 * 1024): { stream: ReadStream; release(): void } {
  let placeholder: number | null = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const drop = () => {
    if (placeholder !== null) closeSync(placeholder);
    placeholder = null;
  };
  const stream = createReadStream(path, { highWaterMark });
  stream.once('open', drop);
  stream.on('error', () => {});
  return {
    stream,
    release() {
      // A writer that comes and goes ends a pending open with end-of-file. No reader at all
      // (ENXIO: the stream read its end and is closing, as Node 24 may still say it is not closed) leaves nothing pending.
      if (!stream.closed) {
        try {
          closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
        }
      }
      stream.destroy();
      drop();
    },
  };
}
