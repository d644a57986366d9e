import { parseFirst, show, SxpParseError } from '../sxp/index.js';
import { XendError } from '../protocol/faults.js';
import { TruncatedStreamError, type ByteSink, type ByteSource } from '../protocol/byte-stream.js';
import type { Sxp } from '../sxp/types.js';

/**
 * The guest state stream of save, restore and migration (XendCheckpoint.py):
 * "LinuxGuestRecord", a big-endian int32 length, the domain's SXP on one line,
 * then the memory image. Added after the image (not in xend): "ConsoleLogRecord",
 * an int32 length and the console history, so a moved domain keeps its output.
 */
export const SIGNATURE = 'LinuxGuestRecord';
const CONSOLE_SIGNATURE = 'ConsoleLogRecord';
/** A config longer than this is not a domain record. */
const MAX_CONFIG = 1 << 20;
const MAX_CONSOLE = 64 << 20;

function lengthPrefixed(tag: string, body: string): Buffer {
  const text = Buffer.from(body, 'utf8');
  const head = Buffer.alloc(tag.length + 4);
  head.write(tag, 0, 'latin1');
  head.writeInt32BE(text.length, tag.length);
  return Buffer.concat([head, text]);
}

export function headerRecord(config: Sxp): Buffer {
  return lengthPrefixed(SIGNATURE, show(config));
}

export function consoleRecord(history: string): Buffer {
  return lengthPrefixed(CONSOLE_SIGNATURE, history);
}

export async function writeHeader(sink: ByteSink, config: Sxp): Promise<void> {
  await sink.write(headerRecord(config));
}

/**
 * xend quoted the first bytes it found; a client that may name only some files
 * must learn nothing of another file's contents, so no byte of it is echoed.
 */
const NOT_A_STATE_FILE = "not a valid guest state file: it does not begin with xend's signature";

/** Reads and checks the signature and the domain config. */
export async function readHeader(source: ByteSource): Promise<Sxp> {
  let signature: string;
  try {
    signature = (await source.read(SIGNATURE.length)).toString('latin1');
  } catch (err) {
    if (err instanceof TruncatedStreamError) throw new XendError(NOT_A_STATE_FILE);
    throw err;
  }
  if (signature !== SIGNATURE) throw new XendError(NOT_A_STATE_FILE);
  const length = (await source.read(4)).readInt32BE(0);
  if (length <= 0 || length > MAX_CONFIG) throw new XendError(`not a valid guest state file: config length ${length}`);
  try {
    const config = parseFirst((await source.read(length)).toString('utf8'));
    if (!Array.isArray(config) || (config[0] !== 'domain' && config[0] !== 'vm')) throw new XendError('not a valid guest state file: no domain record');
    return config;
  } catch (err) {
    if (err instanceof SxpParseError) throw new XendError(`not a valid guest state file: ${err.message}`);
    throw err;
  }
}

/** The console history after the image, or '' for a stream written without one. */
export async function readConsoleRecord(source: ByteSource): Promise<string> {
  let tag: Buffer;
  try {
    tag = await source.read(CONSOLE_SIGNATURE.length);
  } catch (err) {
    if (err instanceof TruncatedStreamError) return '';
    throw err;
  }
  if (tag.toString('latin1') !== CONSOLE_SIGNATURE) throw new XendError('not a valid guest state file: unexpected data after the memory image');
  const length = (await source.read(4)).readInt32BE(0);
  if (length < 0 || length > MAX_CONSOLE) throw new XendError(`not a valid guest state file: console record of ${length} bytes`);
  return (await source.read(length)).toString('utf8');
}
