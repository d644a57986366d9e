/**
 * The XML-RPC reader's fast path, for documents laid out as xmlrpclib and our
 * encoder write them: bare tags, whitespace only between elements, text
 * without comments, CDATA or CR. It reads a byte-for-character (latin1) view of
 * the UTF-8 document with the engine's own string search (startsWith, indexOf):
 * a short-lived client runs mostly in V8's interpreter, where a loop of ours over
 * every byte would cost ten times a native scan. Knowing what must come next, it
 * compares each tag at a known offset and makes a string only for character data,
 * decoded from the bytes as UTF-8 where it is not ASCII. It checks what the
 * general reader would: a character XML forbids, character data that is not UTF-8
 * or anything unexpected makes it give up, and the general reader reads the
 * document instead, so what is accepted, what it decodes to and every error
 * message stay the general reader's.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { ListingChildren } from './child-run.js';
import { decodeRefs, parseBase64, parseBoolean, parseDateTime, parseDouble, parseInteger } from './scalars.js';
import { XML_DECL, type ListingRead, type XmlRpcValue } from './types.js';

export interface Parsed {
  method: string;
  params: XmlRpcValue[];
  fault: XmlRpcValue | undefined;
}

export function setMember(obj: Record<string, XmlRpcValue>, name: string, v: XmlRpcValue): void {
  // Plain assignment of "__proto__" would replace the prototype instead.
  if (name === '__proto__') Object.defineProperty(obj, name, { value: v, writable: true, enumerable: true, configurable: true });
  else obj[name] = v;
}

/** Thrown to hand a document to the general reader; not an Error: made once, it needs no stack. */
const GIVE_UP = Symbol('not canonical');
/** Encodings the bytes may declare; any other declaration is the general reader's to judge. */
const OUR_ENCODING = /^(utf-?8|us-ascii|ascii)$/i;
/** In the latin1 view: a control character or CR (to normalise), "]]>", or U+FFFE/U+FFFF's UTF-8. */
const FORBIDDEN = /[\x00-\x08\x0b-\x1f]|\]\]>|\xef\xbf[\xbe\xbf]/;
const NON_ASCII = /[\x80-\xff]/;
/** How a child `[key, …]` of an SXP list begins as written, up to its key. */
const CHILD_HEAD = '<value><array><data>\n<value><string>';
const CONTROL = /[\x00-\x08\x0b-\x1f]/;

/**
 * The document `doc` (UTF-8, whole), or undefined for the general reader. With `sxpKeys`, the
 * value is taken to be a list of SXP lists (a domain listing), and of each only the children
 * `[key, …]` whose key is one of them are read: the others are passed over, their bytes
 * scanned only for where they end, and left out of the result. With `eachItem`, each item of
 * the value is what it makes of it.
 */
export function readCanonical(
  doc: Uint8Array,
  root: 'methodCall' | 'methodResponse',
  maxDepth: number,
  listing: ListingRead = {},
): Parsed | undefined {
  try {
    const bytes = Buffer.isBuffer(doc) ? doc : Buffer.from(doc.buffer, doc.byteOffset, doc.byteLength);
    return new Reader(bytes, bodyStart(bytes), maxDepth, listing).document(root);
  } catch {
    return undefined; // also a stack overflow: recursion is bounded by maxDepth, which a caller may set high
  }
}

/** Where the root element may start: after a BOM and an XML declaration of an encoding we read. */
function bodyStart(b: Buffer): number {
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  if (b[bom] !== 0x3c || b[bom + 1] !== 0x3f) return bom;
  // The declaration is ASCII, so a byte-for-character view of its first few hundred bytes matches as the text would.
  const head = b.toString('latin1', bom, Math.min(b.length, bom + 256));
  XML_DECL.lastIndex = 0;
  const decl = XML_DECL.exec(head);
  if (!decl || (decl[3] !== undefined && !OUR_ENCODING.test(decl[3]))) throw GIVE_UP;
  return bom + XML_DECL.lastIndex;
}

class Reader {
  private depth = 0;
  private readonly items: XmlRpcValue[] = [];
  /** How many of items are in use: the array itself never shrinks (V8 would trim it, and the next push copy it whole). */
  private top = 0;
  /** The bytes as latin1: one character per byte, so offsets are the same in both. */
  private readonly s: string;
  /** Whether any byte is non-ASCII, or any '&': only then does character data need a second look. */
  private readonly nonAscii: boolean;
  private readonly amp: boolean;
  private readonly keyList: readonly string[] | undefined;
  private readonly children: ListingChildren | undefined;
  private readonly sxpKeys: ReadonlySet<string> | undefined;
  private readonly eachItem: ((item: XmlRpcValue) => unknown) | undefined;

  constructor(
    private readonly b: Buffer,
    private pos: number,
    private readonly maxDepth: number,
    { sxpKeys, eachItem }: ListingRead,
  ) {
    this.sxpKeys = sxpKeys;
    this.eachItem = eachItem;
    this.s = b.toString('latin1');
    // Markup is ASCII without these, so wherever they are they are in character data, and refused there.
    // Bytes found ASCII natively (the common case) leave only control characters and "]]>" to look for.
    this.nonAscii = !isAscii(b);
    if (this.nonAscii ? FORBIDDEN.test(this.s) : CONTROL.test(this.s) || this.s.includes(']]>')) throw GIVE_UP;
    this.amp = this.s.includes('&');
    this.keyList = sxpKeys && [...sxpKeys];
    this.children = sxpKeys && new ListingChildren(sxpKeys);
  }

  document(root: 'methodCall' | 'methodResponse'): Parsed {
    const out: Parsed = { method: '', params: [], fault: undefined };
    this.ws();
    this.tag(`<${root}>`);
    this.ws();
    if (root === 'methodCall') {
      this.tag('<methodName>');
      out.method = this.text('</methodName>');
      this.ws();
      if (this.has('<params>')) this.params(out.params);
    } else if (this.has('<fault>')) {
      out.fault = this.param('</fault>');
    } else {
      this.tag('<params>');
      this.params(out.params);
      if (out.params.length !== 1) throw GIVE_UP;
    }
    this.ws();
    this.tag(`</${root}>`);
    this.ws();
    if (this.pos !== this.s.length) throw GIVE_UP;
    return out;
  }

  private params(into: XmlRpcValue[]): void {
    for (this.ws(); !this.has('</params>'); this.ws()) {
      this.tag('<param>');
      into.push(this.param('</param>'));
    }
  }

  /** A <param> or <fault> after its opening tag: one value, then `close`. */
  private param(close: string): XmlRpcValue {
    this.ws();
    const v = this.value();
    this.ws();
    this.tag(close);
    return v;
  }

  private value(): XmlRpcValue {
    this.tag('<value>');
    const s = this.s;
    if (s.charCodeAt(this.pos) !== 0x3c || s.charCodeAt(this.pos + 1) === 0x2f) return this.text('</value>'); // untyped: a string
    let v: XmlRpcValue;
    // The type's first letter picks the candidates; the commonest come first.
    switch (s.charCodeAt(this.pos + 1)) {
      case 0x73: // s
        v = this.has('<string>') ? this.text('</string>') : (this.tag('<struct>'), this.struct());
        break;
      case 0x69: // i
        if (this.has('<int>')) v = this.integer('</int>', 'int');
        else if (this.has('<i4>')) v = this.integer('</i4>', 'i4');
        else v = (this.tag('<i8>'), this.integer('</i8>', 'i8'));
        break;
      case 0x61: // a
        v = (this.tag('<array>'), this.array());
        break;
      case 0x6e: // n
        v = (this.tag('<nil/>'), null);
        break;
      case 0x62: // b
        v = this.has('<boolean>') ? parseBoolean(this.text('</boolean>')) : (this.tag('<base64>'), parseBase64(this.text('</base64>')));
        break;
      case 0x64: // d
        v = this.has('<double>') ? parseDouble(this.text('</double>')) : (this.tag('<dateTime.iso8601>'), parseDateTime(this.text('</dateTime.iso8601>')));
        break;
      default:
        throw GIVE_UP;
    }
    this.tag('</value>');
    return v;
  }

  private array(): XmlRpcValue[] {
    this.enter();
    this.ws();
    this.tag('<data>');
    // Items gather on one shared stack and leave it as an array of exactly their number:
    // pushing onto a fresh [] would allocate room for 17 (most SXP lists hold 2).
    const items = this.items;
    const base = this.top;
    // Depth 1: the value, a listing: its records all read in one go where they are laid out as we
    // write them; what eachItem makes of an item stands in for it.
    const each = this.depth === 1 ? this.eachItem : undefined;
    this.ws();
    const fast = this.depth === 1 ? this.children?.records(this.s, this.pos, each) : undefined;
    if (fast) {
      this.pos = fast.end;
      for (const r of fast.records) items[this.top++] = r as XmlRpcValue;
    }
    // Depth 2: one SXP list of the listing, whose children the caller may want only some of.
    const pick = this.depth === 2 && this.sxpKeys !== undefined;
    for (; !this.has('</data>'); this.ws()) {
      if (pick && (this.ranOver() || this.passedOver())) continue;
      const v = this.value(); // may use the stack above top itself
      items[this.top++] = each ? (each(v) as XmlRpcValue) : v;
    }
    const array = items.slice(base, this.top);
    this.top = base;
    this.ws();
    this.tag('</array>');
    this.depth--;
    return array;
  }

  private struct(): Record<string, XmlRpcValue> {
    this.enter();
    const obj: Record<string, XmlRpcValue> = {};
    for (this.ws(); !this.has('</struct>'); this.ws()) {
      this.tag('<member>');
      this.ws();
      this.tag('<name>');
      const name = this.text('</name>');
      setMember(obj, name, this.param('</member>'));
    }
    this.depth--;
    return obj;
  }

  /**
   * Whether ListingChildren went past a run of children not wanted from here, and read the
   * wanted one after them (kept as `[key, value]`): the common case, at machine speed.
   */
  private ranOver(): boolean {
    const children = this.children!;
    const from = this.pos;
    let pos = children.skip(this.s, from);
    const pair = children.read(this.s, pos);
    if (pair) {
      this.items[this.top++] = pair;
      pos = children.end;
    }
    this.pos = pos;
    return pos !== from;
  }

  /** Whether the value here is a child `[key, …]` with a key not in sxpKeys, and was passed over; if not, nothing is read. */
  private passedOver(): boolean {
    const start = this.pos;
    // One comparison for the layout xmlrpclib and we write, the general sequence otherwise.
    const child =
      this.has(CHILD_HEAD) || (this.has('<value>') && this.has('<array>') && (this.ws(), this.has('<data>')) && (this.ws(), this.has('<value>')) && this.has('<string>'));
    if (!child || this.wanted()) {
      this.pos = start;
      return false;
    }
    // Character data holds no '<', so "<array>" and "</array>" are tags: count them to the child's end.
    const s = this.s;
    for (let p = this.pos, open = 1; (p = s.indexOf('array>', p)) >= 0; p += 6) {
      if (s.charCodeAt(p - 1) === 0x3c) open++;
      else if (s.charCodeAt(p - 1) === 0x2f && s.charCodeAt(p - 2) === 0x3c && --open === 0) {
        this.pos = p + 6;
        this.ws();
        this.tag('</value>');
        return true;
      }
    }
    throw GIVE_UP;
  }

  /** Whether the string here, up to its end tag, is one of sxpKeys: compared in place, so a key passed over costs no string. */
  private wanted(): boolean {
    const s = this.s;
    const end = s.indexOf('</string>', this.pos);
    const length = end - this.pos;
    // An index loop: a Set's iterator would allocate a result per key in V8's interpreter, where a short run stays.
    const keys = this.keyList!;
    for (let i = 0; i < keys.length; i++) if (keys[i]!.length === length && s.startsWith(keys[i]!, this.pos)) return true;
    // A key with '&' or non-ASCII bytes is read as text would read it.
    return length > 0 && (this.amp || this.nonAscii) && this.sxpKeys!.has(this.text('</string>'));
  }

  private enter(): void {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
  }

  /** An integer's character data up to `close`: plain digits read as they go, anything else as parseInteger reads it. */
  private integer(close: string, tag: string): number | bigint {
    const s = this.s;
    const start = this.pos;
    let p = start;
    let n = 0;
    for (let c = s.charCodeAt(p); c >= 0x30 && c <= 0x39 && p - start < 15; c = s.charCodeAt(++p)) n = n * 10 + (c - 0x30);
    if (p > start && s.startsWith(close, p)) {
      this.pos = p + close.length;
      return n;
    }
    return parseInteger(this.text(close), tag);
  }

  /** Character data up to the end tag `close`, which must follow it. */
  private text(close: string): string {
    const s = this.s;
    const start = this.pos;
    const end = s.indexOf('<', start);
    if (end < 0 || !s.startsWith(close, end)) throw GIVE_UP;
    this.pos = end + close.length;
    if (end === start) return '';
    let t = s.slice(start, end);
    if (this.nonAscii && NON_ASCII.test(t)) {
      if (!isUtf8(this.b.subarray(start, end))) throw GIVE_UP;
      t = this.b.toString('utf8', start, end);
    }
    return this.amp && t.includes('&') ? decodeRefs(t) : t;
  }

  private ws(): void {
    const s = this.s;
    let p = this.pos;
    for (let c = s.charCodeAt(p); c === 0x20 || c === 0x0a || c === 0x09; c = s.charCodeAt(++p));
    this.pos = p;
  }

  private has(tag: string): boolean {
    if (!this.s.startsWith(tag, this.pos)) return false;
    this.pos += tag.length;
    return true;
  }

  private tag(tag: string): void {
    if (!this.has(tag)) throw GIVE_UP;
  }
}
