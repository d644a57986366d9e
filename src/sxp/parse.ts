import type { Sxp } from './types.js';

/**
 * The lexer of xend's sxp.py, character for character, quirks included:
 * `#` starts a comment even inside a bare atom, `;` is an atom, `\xHH` mis-values
 * hex letters, an unknown escape keeps the backslash and drops the letter, and an
 * input that ends inside an atom or comment silently drops its unfinished lists.
 */

/** Malformed SXP text. `message` is sxp.py's text; `line` is 1-based. */
export class SxpParseError extends Error {
  override readonly name = 'SxpParseError';
  readonly line: number;

  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** A top-level value and the line on which it starts. */
export interface LocatedSxp {
  value: Sxp;
  line: number;
}

const WHITESPACE = ' \t\n\v\f\r';
const SEPARATORS = '{}()<>[];';
const EOT = '\x04';
const ESCAPES = new Map([
  ['a', '\x07'], ['b', '\b'], ['t', '\t'], ['n', '\n'], ['v', '\v'],
  ['f', '\f'], ['r', '\r'], ['\\', '\\'], ["'", "'"], ['"', '"'],
]);

type Mode = 'start' | 'atom' | 'comment' | 'string' | 'escape' | 'octal' | 'hex';

/**
 * Every top-level value with its starting line. For "unexpected EOF" the error's
 * line is where the unterminated string or innermost open list began, which is
 * where the mistake usually is. Parsing never recurses, but most consumers walk
 * values recursively: maxDepth refuses lists nested deeper than they can take.
 */
export function parseAllWithLines(text: string, maxDepth = Infinity): LocatedSxp[] {
  const top: LocatedSxp[] = [];
  const open: { items: Sxp[]; line: number }[] = [];
  let mode = 'start' as Mode; // widened: TS does not see step() assigning it
  let buf = '';
  let quote = '';
  let digits = '';
  let code = 0;
  let tokenLine = 1;
  let line = 1;

  const emit = (value: Sxp, at: number): void => {
    const list = open.at(-1);
    if (list) list.items.push(value);
    else top.push({ value, line: at });
  };
  const unexpectedEof = (): SxpParseError =>
    new SxpParseError('unexpected EOF', mode === 'start' ? (open.at(-1)?.line ?? line) : tokenLine);

  /** Feeds one character; false when an EOT at top level ends the input. */
  const step = (c: string): boolean => {
    // A character that ends a token is fed again in the new mode, as sxp.py does.
    for (;;) {
      switch (mode) {
        case 'start':
          if (WHITESPACE.includes(c)) return true;
          if (c === '#') {
            mode = 'comment';
          } else if (c === '(') {
            if (open.length >= maxDepth) throw new SxpParseError(`lists nested deeper than ${maxDepth}`, line);
            open.push({ items: [], line });
          } else if (c === ')') {
            const list = open.pop();
            if (!list) throw new SxpParseError('syntax error: )', line);
            emit(list.items, list.line);
          } else if (c === '"' || c === "'") {
            mode = 'string';
            quote = c;
            buf = '';
            tokenLine = line;
          } else if (c >= '!' && c <= '~') {
            mode = 'atom';
            buf = c;
            tokenLine = line;
          } else if (c === EOT) {
            if (open.length) throw unexpectedEof();
            return false;
          } else {
            throw new SxpParseError(`invalid character: code ${firstByte(c)}`, line);
          }
          return true;
        case 'atom':
          if (SEPARATORS.includes(c) || WHITESPACE.includes(c) || c === '#') {
            emit(buf, tokenLine);
            mode = 'start';
            continue;
          }
          buf += c;
          return true;
        case 'comment':
          if (c === '\n') mode = 'start';
          return true;
        case 'string':
          if (c === quote) {
            emit(buf, tokenLine);
            mode = 'start';
          } else if (c === '\\') {
            mode = 'escape';
          } else {
            buf += c;
          }
          return true;
        case 'escape': {
          const escaped = ESCAPES.get(c);
          digits = '';
          code = 0;
          if (escaped !== undefined) {
            buf += escaped;
            mode = 'string';
          } else if (c === 'x') {
            mode = 'hex';
          } else if (c >= '0' && c <= '7') {
            mode = 'octal';
            continue;
          } else {
            buf += '\\';
            mode = 'string';
          }
          return true;
        }
        case 'octal':
          if (c >= '0' && c <= '7') {
            code = code * 8 + Number(c);
            digits += c;
            if (code > 0xff) throw new SxpParseError(`invalid octal escape: out of range ${digits}`, line);
            if (digits.length < 3) return true;
            buf += String.fromCharCode(code);
            mode = 'string';
            return true;
          }
          buf += String.fromCharCode(code);
          mode = 'string';
          continue;
        case 'hex': {
          // sxp.py crashes (NameError) on a non-hex character here; we report it instead.
          const value = misvaluedHexDigit(c);
          if (value === undefined) throw new SxpParseError(`invalid hex escape: \\x${digits}${c}`, line);
          code = code * 16 + value;
          digits += c;
          if (digits.length === 2) {
            buf += String.fromCharCode(code);
            mode = 'string';
          }
          return true;
        }
      }
    }
  };

  for (const c of text) {
    if (!step(c)) return top;
    if (c === '\n') line++;
  }
  switch (mode) {
    case 'start':
      if (open.length) throw unexpectedEof();
      break;
    case 'atom':
      emit(buf, tokenLine);
      break;
    case 'comment':
      break;
    default:
      throw unexpectedEof();
  }
  return top;
}

/** sxp.parse / all_from_string: every top-level value, or null if there is none. */
export function parseAll(text: string): Sxp[] | null {
  const values = parseAllWithLines(text).map((v) => v.value);
  return values.length ? values : null;
}

/** sxp.from_string: the first top-level value; `[]` when there is none (also for ''). */
export function parseFirst(text: string): Sxp {
  return parseAllWithLines(text)[0]?.value ?? [];
}

/** sxp.py's hex digit: letters count from the letter 'a'/'A', so 'a'..'f' are 0..5. */
function misvaluedHexDigit(c: string): number | undefined {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 0x30;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 0x41;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 0x61;
  return undefined;
}

/** The byte sxp.py would have seen: chars up to U+00FF are bytes, others UTF-8. */
function firstByte(c: string): number {
  const cp = c.codePointAt(0) ?? 0;
  return cp <= 0xff ? cp : (new TextEncoder().encode(c)[0] ?? 0);
}
