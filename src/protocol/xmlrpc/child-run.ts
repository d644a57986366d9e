/**
 * The canonical reader's fast path through a listing read for some keys only (`xm list`'s
 * thousand domains). One regular expression passes over a run of a domain's children whose key
 * is not wanted, and another recognises the wanted child after them in the layout xmlrpclib and
 * we write, with a plain string, int or double: the engine runs them as machine code, where the
 * reader's own steps, a few per tag, would run in V8's interpreter (a short run of xm never
 * leaves it). Both only test, so a child costs no match object: the wanted one is then read at
 * the offsets its layout fixes, and only its value becomes a string.
 *
 * They take exactly what the reader would: a child passed over is a `[key, …]` whose key is
 * written plainly and not wanted, up to its balanced `</array>` (its content, as the reader's,
 * only scanned for array tags); a child read has the layout the reader accepts. Anything else
 * (deeper nesting, a key or text with references or non-ASCII bytes, another type or layout)
 * is left where it is, for the reader to take its own way.
 */
import { escapeRegExp } from '../../escape-regexp.js';
import { PyFloat } from '../../sxp/float.js';
import type { XmlRpcValue } from './types.js';

/** Whitespace where the reader allows it (ws()). */
const WS = '[ \\t\\n]*';
/** Character data and tags other than array's. */
const NOT_ARRAY = '[^<]*(?:<(?!\\/?array>)[^<]*)*';
/** Text read as it is: no references to decode, no UTF-8 to check. */
const PLAIN = '[^<&\\x80-\\xff]*';
/** Arrays nested in a child passed over (an image, cpus, a device: two), deeper ones left to the reader. */
const NESTING = 3;
/** A wanted child as xmlrpclib writes it: its key starts after HEAD, its value's type tag after KEY_TAIL. */
const HEAD = '<value><array><data>\n<value><string>';
const KEY_TAIL = '</string></value>\n<value><';

/** Content up to the `</array>` closing where it began, with `depth` arrays nested at most. */
function balanced(depth: number): string {
  let inner = NOT_ARRAY;
  for (let i = 0; i < depth; i++) inner = `${NOT_ARRAY}(?:<array>${inner}<\\/array>${NOT_ARRAY})*`;
  return inner;
}

/** A record of a listing as xmlrpclib writes it, up to its head's text, after the text, and its end (whitespace after it included). */
const RECORD_HEAD = '<value><array><data>\n<value><string>';
const RECORD_HEAD_TAIL = '</string></value>\n';
const RECORD_TAIL = '</data></array></value>\n';
/** Character data read as it is (the reader decodes references and checks UTF-8 otherwise). */
const PLAIN_TEXT = /^[^<&\x80-\xff]*$/;

/** A key the document can only hold as written: ASCII, no markup or reference (others are left to the reader). */
const PLAIN_KEY = /^[^<&\u0080-\uffff]*$/;

/** The children of a listing's SXP lists, for the wanted `keys`. */
export class ListingChildren {
  /** The plain keys by their length: a key read is found among the one or two of its length. */
  private readonly byLength: string[][] = [];
  private readonly run: RegExp;
  private readonly wanted: RegExp;
  /** Where the child read last ends. */
  end = 0;

  constructor(keys: Iterable<string>) {
    const plain = [...keys].filter((k) => PLAIN_KEY.test(k));
    for (const k of plain) (this.byLength[k.length] ??= []).push(k);
    const key = plain.length ? plain.map(escapeRegExp).join('|') : '[^\\s\\S]';
    const open = `<value><array>${WS}<data>${WS}<value><string>`;
    this.run = new RegExp(`(?:${open}(?!(?:${key})<\\/string>)${PLAIN}<\\/string>${balanced(NESTING)}<\\/array>${WS}<\\/value>${WS})*`, 'y');
    // A double as repr() writes it (a subset of what parseDouble reads, as Number reads it too).
    const value = `(?:string>${PLAIN}<\\/string|int>\\d{1,15}<\\/int|double>-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?<\\/double)`;
    this.wanted = new RegExp(`${escapeRegExp(HEAD)}(?:${key})${escapeRegExp(KEY_TAIL)}${value}><\\/value>\\n<\\/data><\\/array><\\/value>${WS}`, 'y');
  }

  /** Where the run of children not wanted that starts at `pos` in `s` ends (`pos` if none does). */
  skip(s: string, pos: number): number {
    this.run.lastIndex = pos;
    this.run.test(s); // it always matches, if only nothing
    return this.run.lastIndex;
  }

  /** The wanted child at `pos` in `s` as `[key, value]` (then `end` is past it), or undefined. */
  read(s: string, pos: number): XmlRpcValue[] | undefined {
    this.wanted.lastIndex = pos;
    if (!this.wanted.test(s)) return undefined;
    const keyStart = pos + HEAD.length;
    const keyEnd = s.indexOf('<', keyStart);
    const type = keyEnd + KEY_TAIL.length;
    // The expression checked the type tag: string, int or double by its first letter.
    const c = s.charCodeAt(type);
    const text = type + (c === 0x69 ? 'int>'.length : 'string>'.length); // double> is as long
    const textEnd = s.indexOf('<', text);
    let value: XmlRpcValue;
    if (c === 0x73) value = s.slice(text, textEnd);
    else if (c === 0x69) value = digits(s, text, textEnd);
    else {
      const n = Number(s.slice(text, textEnd));
      if (!Number.isFinite(n)) return undefined; // the reader's parseDouble refuses it
      value = Number.isInteger(n) ? new PyFloat(n) : n; // as parseDouble reads it
    }
    this.end = this.wanted.lastIndex;
    return [this.keyAt(s, keyStart, keyEnd - keyStart), value];
  }

  /**
   * The records of a listing whose `<data>` ends at `pos`, when every one is laid out as
   * xmlrpclib and we write them (a plain string head, then children passed over or read as
   * above), each as `each` makes it if given, with `end` where the listing's `</data>` is; else
   * undefined, having made nothing the reader would not. One loop over every child of every
   * record, so a thousand records are one function for V8 to optimise rather than the reader's
   * few small functions per tag, each optimised on its own: a short run of xm waits at exit for
   * the compilations under way (Node 20: `xm list` at 1,000 guests 214 -> 193 ms).
   */
  records(s: string, pos: number, each?: (record: XmlRpcValue[]) => unknown): { records: unknown[]; end: number } | undefined {
    const records: unknown[] = [];
    const record: XmlRpcValue[] = []; // each record gathers here, then is copied at its length
    let p = pos;
    while (s.startsWith(RECORD_HEAD, p)) {
      const head = p + RECORD_HEAD.length;
      const headEnd = s.indexOf('<', head);
      if (!s.startsWith(RECORD_HEAD_TAIL, headEnd) || !PLAIN_TEXT.test(s.slice(head, headEnd))) return undefined;
      let n = 0;
      record[n++] = s.slice(head, headEnd);
      p = headEnd + RECORD_HEAD_TAIL.length;
      for (;;) {
        this.run.lastIndex = p;
        this.run.test(s);
        p = this.run.lastIndex;
        if (s.startsWith(RECORD_TAIL, p)) break;
        const pair = this.read(s, p);
        if (!pair) return undefined;
        record[n++] = pair;
        p = this.end;
      }
      const read = record.slice(0, n);
      records.push(each ? each(read) : read);
      p += RECORD_TAIL.length;
    }
    return s.startsWith('</data>', p) ? { records, end: p } : undefined;
  }

  /** The key written at `at`, `length` long: one of keys, which the expression matched. */
  private keyAt(s: string, at: number, length: number): string {
    // An index loop: an iterator would allocate a result per key in V8's interpreter.
    const keys = this.byLength[length]!;
    for (let i = 0; i < keys.length; i++) if (s.startsWith(keys[i]!, at)) return keys[i]!;
    throw new Error('unreachable: the expression matched a key');
  }
}

/** The number the decimal digits from `start` to `end` write (at most 15: exact), without a string for them. */
function digits(s: string, start: number, end: number): number {
  let n = 0;
  for (let p = start; p < end; p++) n = n * 10 + s.charCodeAt(p) - 0x30;
  return n;
}
