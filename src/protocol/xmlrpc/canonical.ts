/**
 * The XML-RPC reader's fast path, for documents laid out as xmlrpclib and our
 * encoder write them: bare tags, whitespace only between elements, text
 * without comments, CDATA or CR. It reads the UTF-8 bytes themselves, never a
 * decoded copy of the document: knowing what must come next, it compares each
 * tag at a known offset, reads integers from their digits, and makes a string
 * only for character data, short ASCII ones shared through a small table (a
 * listing repeats its keys and most values on every domain). Every byte is
 * looked at once and checked as the general reader would: a character XML
 * forbids, character data that is not UTF-8 or anything unexpected makes it
 * give up, and the general reader reads the document instead, so what is
 * accepted, what it decodes to and every error message stay the general
 * reader's.
 */
import { isUtf8 } from 'node:buffer';
import { decodeRefs, parseBase64, parseBoolean, parseDateTime, parseDouble, parseInteger } from './scalars.js';
import { XML_DECL, type XmlRpcValue } from './types.js';

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

const GIVE_UP = new Error('not canonical');
/** Encodings the bytes may declare; any other declaration is the general reader's to judge. */
const OUR_ENCODING = /^(utf-?8|us-ascii|ascii)$/i;
/** Character data flags. */
const NON_ASCII = 1;
const AMP = 2;
const GT = 4;
/** Shared strings: ASCII character data up to this length, in a table of this many slots. */
const INTERN_MAX = 24;
const INTERN_SLOTS = 4096;
/** Kept between documents (bounded: one short string a slot), so a small call allocates no table. */
const interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SLOTS).fill(undefined);

/** The document `doc` (UTF-8, whole), or undefined for the general reader. */
export function readCanonical(doc: Uint8Array, root: 'methodCall' | 'methodResponse', maxDepth: number): Parsed | undefined {
  try {
    const bytes = Buffer.isBuffer(doc) ? doc : Buffer.from(doc.buffer, doc.byteOffset, doc.byteLength);
    return new Reader(bytes, bodyStart(bytes), maxDepth).document(root);
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

  constructor(
    private readonly b: Buffer,
    private pos: number,
    private readonly maxDepth: number,
  ) {}

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
    if (this.pos !== this.b.length) throw GIVE_UP;
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
    const b = this.b;
    if (b[this.pos] !== 0x3c || b[this.pos + 1] === 0x2f) return this.text('</value>'); // untyped: a string
    let v: XmlRpcValue;
    // The type's first letter picks the candidates; the commonest come first.
    switch (b[this.pos + 1]) {
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
    const base = items.length;
    for (this.ws(); !this.has('</data>'); this.ws()) items.push(this.value());
    const array = items.slice(base);
    items.length = base;
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

  private enter(): void {
    if (++this.depth > this.maxDepth) throw GIVE_UP;
  }

  /** An integer's character data up to `close`: plain digits read as they go, anything else as parseInteger reads it. */
  private integer(close: string, tag: string): number | bigint {
    const b = this.b;
    const start = this.pos;
    let p = start;
    let n = 0;
    for (let c = b[p]!; c >= 0x30 && c <= 0x39 && p - start < 15; c = b[++p]!) n = n * 10 + (c - 0x30);
    if (p > start && this.at(close, p)) {
      this.pos = p + close.length;
      return n;
    }
    return parseInteger(this.text(close), tag);
  }

  /** Character data up to the end tag `close`, which must follow it. */
  private text(close: string): string {
    const b = this.b;
    const len = b.length;
    const start = this.pos;
    let p = start;
    let flags = 0;
    let hash = 0;
    for (; p < len; p++) {
      const c = b[p]!;
      if (c === 0x3c) break;
      if (c < 0x20) {
        if (c !== 0x09 && c !== 0x0a) throw GIVE_UP; // a control character, or a CR to normalise
      } else if (c >= 0x80) {
        if (c === 0xef && b[p + 1] === 0xbf && b[p + 2]! >= 0xbe) throw GIVE_UP; // U+FFFE, U+FFFF
        flags |= NON_ASCII;
      } else if (c === 0x26) flags |= AMP;
      else if (c === 0x3e) flags |= GT;
      hash = (Math.imul(hash, 31) + c) | 0;
    }
    if (!this.at(close, p)) throw GIVE_UP;
    this.pos = p + close.length;
    if (p === start) return '';
    // Only character data may hold non-ASCII bytes (markup is compared byte for byte), so only it needs checking as UTF-8.
    if (flags & NON_ASCII && !isUtf8(b.subarray(start, p))) throw GIVE_UP;
    const t = flags & NON_ASCII ? b.toString('utf8', start, p) : p - start <= INTERN_MAX ? this.intern(start, p, hash) : b.toString('latin1', start, p);
    if (flags & GT && t.includes(']]>')) throw GIVE_UP;
    return flags & AMP ? decodeRefs(t) : t;
  }

  /** The ASCII bytes start…end as a string, the same string as last time they were read. */
  private intern(start: number, end: number, hash: number): string {
    const slot = hash & (INTERN_SLOTS - 1);
    const known = interned[slot];
    if (known !== undefined && known.length === end - start) {
      let i = 0;
      while (i < known.length && known.charCodeAt(i) === this.b[start + i]) i++;
      if (i === known.length) return known;
    }
    return (interned[slot] = this.b.toString('latin1', start, end));
  }

  private ws(): void {
    const b = this.b;
    let p = this.pos;
    for (let c = b[p]; c === 0x20 || c === 0x0a || c === 0x09; c = b[++p]);
    this.pos = p;
  }

  /** Whether the ASCII `tag` is at byte p. */
  private at(tag: string, p: number): boolean {
    const b = this.b;
    if (p + tag.length > b.length) return false;
    for (let i = 0; i < tag.length; i++) if (b[p + i] !== tag.charCodeAt(i)) return false;
    return true;
  }

  private has(tag: string): boolean {
    if (!this.at(tag, this.pos)) return false;
    this.pos += tag.length;
    return true;
  }

  private tag(tag: string): void {
    if (!this.has(tag)) throw GIVE_UP;
  }
}
