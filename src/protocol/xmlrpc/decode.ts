/**
 * XML-RPC reader: a single forward scan (indexOf, no backtracking) feeds an
 * explicit element stack that checks the grammar, so hostile nesting costs
 * memory bounded by maxDepth and never the call stack. It reads everything Python's xmlrpclib writes and
 * refuses what XML-RPC has no use for: DTDs (so no entity expansion ever),
 * processing instructions, attributes, unknown or misplaced elements.
 * Documents in the layout xmlrpclib writes are read from their bytes by the
 * faster canonical.ts first; this scanner reads, as text, whatever that one
 * gives up on, and a string given by the caller.
 */
import { readCanonical, setMember, type Parsed } from './canonical.js';
import { decodeRefs, parseBase64, parseBoolean, parseDateTime, parseDouble, parseInteger, show } from './scalars.js';
import { charName, DEFAULT_MAX_DEPTH, eachItemOf, NON_XML_CHAR, XML_DECL, XmlRpcDecodeError, XmlRpcFault, type ListingRead, type XmlRpcValue } from './types.js';

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

// Whitespace is only [ \t\n] because CR is normalised away first, as an XML parser does.
const TAG = /^<(\/?)([A-Za-z][\w.:-]*)[ \t\n]*(\/?)>$/;
const WS_RUN = /[ \t\n]*/y;
const NON_WS = /[^ \t\n]/;

const SCALARS = new Set(['int', 'i4', 'i8', 'double', 'boolean', 'string', 'base64', 'dateTime.iso8601', 'nil']);
const VALUE_TYPES = new Set([...SCALARS, 'array', 'struct']);
/** Elements whose character data is content; elsewhere only whitespace may appear. */
const TEXT_ELEMENTS = new Set([...SCALARS, 'value', 'name', 'methodName'].filter((t) => t !== 'nil'));
const CONTAINERS = ['value', 'data', 'member', 'name', 'params', 'param', 'fault', 'methodName', 'methodCall', 'methodResponse'];
const KNOWN = new Set([...VALUE_TYPES, ...CONTAINERS]);
const TAG_NAMES = new Map([...KNOWN].map((t) => [t, t]));
const UTF8 = new TextDecoder('utf-8', { fatal: true });

interface Frame {
  tag: string;
  kids: number; // child elements opened so far
  text: string;
  val: XmlRpcValue | undefined; // what the (single) child produced
  items: XmlRpcValue[] | undefined; // <data>
  obj: Record<string, XmlRpcValue> | undefined; // <struct>
  name: string | undefined; // <member>
}

function toText(input: string | Uint8Array, maxBytes: number): string {
  if (typeof input === 'string') {
    // UTF-16 length never exceeds UTF-8 length, so most inputs skip byteLength.
    if (input.length > maxBytes || (input.length * 3 > maxBytes && Buffer.byteLength(input) > maxBytes)) {
      throw new XmlRpcDecodeError(`input larger than ${maxBytes} bytes`);
    }
    return input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  }
  if (input.byteLength > maxBytes) throw new XmlRpcDecodeError(`input larger than ${maxBytes} bytes`);
  try {
    return UTF8.decode(input); // drops a BOM
  } catch {
    throw new XmlRpcDecodeError('input is not valid UTF-8');
  }
}

function unreadable(xml: string, pos: number): XmlRpcDecodeError {
  const s = xml.slice(pos, pos + 12);
  let why = `malformed markup ${show(xml.slice(pos, pos + 41))}`;
  if (/^<!(DOCTYPE|ENTITY)/i.test(s)) why = 'DOCTYPE and ENTITY declarations are not allowed';
  else if (s.startsWith('<?')) why = 'processing instructions are not allowed (the XML declaration must come first)';
  else if (s.startsWith('<!--') || s.startsWith('<![CDATA[')) why = 'unterminated comment or CDATA section';
  return new XmlRpcDecodeError(`${why} at offset ${pos}`);
}

/** ES2024's String#isWellFormed (Node 20 has it; our lib is ES2023). */
const wellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

function parse(
  input: string | Uint8Array,
  root: 'methodCall' | 'methodResponse',
  maxBytes: number,
  maxDepth: number,
  listing: ListingRead = {},
): Parsed {
  // A string is read as its UTF-8 too, unless it has an unpaired surrogate (which UTF-8 cannot carry: the
  // general reader refuses it) or is longer than maxBytes already (toText refuses it, before any encoding).
  const bytes = typeof input !== 'string' ? input : input.length <= maxBytes && wellFormed(input) ? Buffer.from(input) : undefined;
  if (bytes && bytes.byteLength <= maxBytes) {
    const canonical = readCanonical(bytes, root, maxDepth, listing);
    if (canonical) return canonical;
  }
  let xml = toText(input, maxBytes);
  const bad = NON_XML_CHAR.exec(xml);
  if (bad) throw new XmlRpcDecodeError(`character ${charName(bad[0])} at offset ${bad.index} is not allowed in XML`);
  if (xml.includes('\r')) xml = xml.replace(/\r\n?/g, '\n');

  let pos = 0;
  XML_DECL.lastIndex = 0;
  const decl = XML_DECL.exec(xml);
  if (decl) {
    // A string was decoded by the caller; only bytes are ours to interpret.
    if (typeof input !== 'string' && decl[3] !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(decl[3])) {
      throw new XmlRpcDecodeError(`unsupported encoding ${show(decl[3])}`);
    }
    pos = XML_DECL.lastIndex;
  }

  const out: Parsed = { method: '', params: [], fault: undefined };
  const stack: Frame[] = []; // frames are reused by level: no allocation per element
  let top = -1;
  let depth = 0;
  let rootSeen = false;
  const fail = (why: string): XmlRpcDecodeError => new XmlRpcDecodeError(`${why} at offset ${pos}`);

  const allowed = (p: Frame | undefined, tag: string): boolean => {
    if (!p) return !rootSeen && tag === root;
    switch (p.tag) {
      case 'value': return p.kids === 0 && VALUE_TYPES.has(tag);
      case 'data': return tag === 'value';
      case 'array': return p.kids === 0 && tag === 'data';
      case 'struct': return tag === 'member';
      case 'member': return p.kids === 0 ? tag === 'name' : p.kids === 1 && tag === 'value';
      case 'params': return tag === 'param';
      case 'param':
      case 'fault': return p.kids === 0 && tag === 'value';
      case 'methodCall': return p.kids === 0 ? tag === 'methodName' : p.kids === 1 && tag === 'params';
      case 'methodResponse': return p.kids === 0 && (tag === 'params' || tag === 'fault');
      default: return false;
    }
  };

  const open = (tag: string): void => {
    const p = top >= 0 ? stack[top] : undefined;
    if (!allowed(p, tag)) {
      if (!KNOWN.has(tag)) throw fail(`unknown element <${tag}>`);
      throw fail(p ? `unexpected <${tag}> in <${p.tag}>` : rootSeen ? `content after </${root}>` : `expected <${root}>, found <${tag}>`);
    }
    if (p) p.kids++;
    else rootSeen = true;
    if ((tag === 'array' || tag === 'struct') && ++depth > maxDepth) throw fail(`arrays/structs nested deeper than ${maxDepth}`);
    let f = stack[++top];
    if (!f) stack[top] = f = { tag, kids: 0, text: '', val: undefined, items: undefined, obj: undefined, name: undefined };
    f.tag = tag;
    f.kids = 0;
    f.text = '';
    f.val = undefined;
    f.items = tag === 'data' ? [] : undefined;
    f.obj = tag === 'struct' ? {} : undefined;
    f.name = undefined;
  };

  const close = (): void => {
    const f = stack[top--]!;
    const p = stack[top]; // undefined only for the root
    switch (f.tag) {
      case 'value': {
        if (f.kids > 0 && NON_WS.test(f.text)) throw fail('text mixed with a typed value');
        const v = f.kids > 0 ? (f.val as XmlRpcValue) : f.text; // untyped <value> is a string
        if (p!.items) p!.items.push(v);
        else p!.val = v;
        return;
      }
      case 'string': p!.val = f.text; return;
      case 'int':
      case 'i4':
      case 'i8': p!.val = parseInteger(f.text, f.tag); return;
      case 'double': p!.val = parseDouble(f.text); return;
      case 'boolean': p!.val = parseBoolean(f.text); return;
      case 'base64': p!.val = parseBase64(f.text); return;
      case 'dateTime.iso8601': p!.val = parseDateTime(f.text); return;
      case 'nil': p!.val = null; return;
      case 'array':
        if (f.kids !== 1) throw fail('<array> without <data>');
        depth--;
        p!.val = f.val;
        return;
      case 'data': p!.val = f.items; return;
      case 'struct': depth--; p!.val = f.obj; return;
      case 'name': p!.name = f.text; return;
      case 'member':
        if (f.kids !== 2) throw fail('<member> needs <name> and <value>');
        setMember(p!.obj!, f.name!, f.val as XmlRpcValue);
        return;
      case 'param':
      case 'fault':
        if (f.kids !== 1) throw fail(`<${f.tag}> without <value>`);
        if (f.tag === 'param') out.params.push(f.val as XmlRpcValue);
        else out.fault = f.val;
        return;
      case 'methodName': out.method = f.text; return;
      case 'methodCall':
        if (f.kids === 0) throw fail('<methodCall> without <methodName>');
        return;
      case 'methodResponse':
        if (f.kids === 0 || (out.fault === undefined && out.params.length !== 1)) {
          throw fail('a response carries exactly one param or a fault');
        }
        return;
      // params: nothing to check
    }
  };

  // Character data is content in TEXT_ELEMENTS; elsewhere only whitespace may appear.
  const text = (start: number, end: number, isData: boolean): void => {
    const f = stack[top];
    if (f && TEXT_ELEMENTS.has(f.tag)) {
      const t = xml.slice(start, end);
      if (isData && t.includes(']]>')) throw fail('"]]>" in text');
      f.text += isData && t.includes('&') ? decodeRefs(t) : t;
      return;
    }
    WS_RUN.lastIndex = start;
    WS_RUN.test(xml);
    if (WS_RUN.lastIndex < end) {
      throw fail(`unexpected text ${show(xml.slice(start, Math.min(end, start + 41)))}${f ? ` in <${f.tag}>` : ''}`);
    }
  };

  // indexOf finds each '<' and '>' and a well-formed tag name is looked up
  // whole; the TAG regex only runs for odd or broken markup.
  const len = xml.length;
  while (pos < len) {
    if (xml.charCodeAt(pos) !== 0x3c) {
      let end = xml.indexOf('<', pos);
      if (end < 0) end = len;
      text(pos, end, true);
      pos = end;
      continue;
    }
    const c1 = xml.charCodeAt(pos + 1);
    if (c1 === 0x21) {
      // <!
      const cdata = xml.startsWith('<![CDATA[', pos);
      if (!cdata && !xml.startsWith('<!--', pos)) throw unreadable(xml, pos);
      const end = cdata ? xml.indexOf(']]>', pos + 9) : xml.indexOf('-->', pos + 4);
      if (end < 0) throw unreadable(xml, pos);
      if (cdata) text(pos + 9, end, false);
      pos = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', pos + 1);
    if (gt < 0) throw unreadable(xml, pos);
    const closing = c1 === 0x2f;
    const selfClosing = !closing && xml.charCodeAt(gt - 1) === 0x2f;
    let tag = TAG_NAMES.get(xml.slice(closing ? pos + 2 : pos + 1, selfClosing ? gt - 1 : gt));
    if (tag === undefined) {
      // Whitespace before '>', an unknown name, or not a tag at all.
      const m = TAG.exec(xml.slice(pos, gt + 1));
      if (!m || (closing && m[3])) throw unreadable(xml, pos);
      tag = m[2]!;
    }
    if (closing) {
      const f = stack[top];
      if (!f || f.tag !== tag) throw fail(f ? `</${tag}> closes <${f.tag}>` : `unexpected </${tag}>`);
      close();
    } else {
      open(tag);
      if (selfClosing) close();
    }
    pos = gt + 1;
  }
  if (top >= 0) throw fail(`unexpected end of input inside <${stack[top]!.tag}>`);
  if (!rootSeen) throw fail(`no <${root}> element`);
  if (out.params.length) out.params[0] = eachItemOf(out.params[0]!, listing);
  return out;
}

/**
 * maxBytes bounds the input in UTF-8 bytes (pass the max request size);
 * maxDepth bounds the nesting of arrays and structs.
 */
export function decodeCall(
  xml: string | Uint8Array,
  maxBytes = DEFAULT_MAX_BYTES,
  maxDepth = DEFAULT_MAX_DEPTH,
): { method: string; params: XmlRpcValue[] } {
  const { method, params } = parse(xml, 'methodCall', maxBytes, maxDepth);
  return { method, params };
}

/** A call short enough to keep, and all of whose parameters are scalars (nothing a method could change). */
const REPEATABLE_BYTES = 1024;
let lastCall: { body: Buffer; call: { method: string; params: XmlRpcValue[] } } | undefined;

/**
 * decodeCall for a server: a client polling a listing sends the same bytes every time,
 * so the last short call of scalars is kept, frozen, and a body equal to its bytes is
 * not read again.
 */
export function decodeRepeatedCall(body: Buffer, maxBytes: number): { method: string; params: XmlRpcValue[] } {
  if (lastCall?.body.equals(body)) return lastCall.call;
  const call = decodeCall(body, maxBytes);
  if (body.length <= REPEATABLE_BYTES && call.params.every(isScalar)) {
    lastCall = { body: Buffer.from(body), call: { method: call.method, params: Object.freeze(call.params) as XmlRpcValue[] } };
  }
  return call;
}

function isScalar(v: XmlRpcValue): boolean {
  return v === null || typeof v !== 'object';
}

export interface ResponseOptions extends ListingRead {
  maxBytes?: number;
  maxDepth?: number;
}

/** The response's value; a <fault> is thrown as XmlRpcFault. */
export function decodeResponse(xml: string | Uint8Array, opts: ResponseOptions = {}): XmlRpcValue {
  const { params, fault } = parse(xml, 'methodResponse', opts.maxBytes ?? DEFAULT_MAX_BYTES, opts.maxDepth ?? DEFAULT_MAX_DEPTH, opts);
  if (fault === undefined) return params[0] as XmlRpcValue;
  const f = fault as { faultCode?: unknown; faultString?: unknown };
  const isStruct = typeof fault === 'object' && fault !== null && Object.getPrototypeOf(fault) === Object.prototype;
  if (!isStruct || !Number.isInteger(f.faultCode) || typeof f.faultString !== 'string') {
    throw new XmlRpcDecodeError('<fault> must be a struct with an integer faultCode and a string faultString');
  }
  throw new XmlRpcFault(f.faultCode as number, f.faultString);
}
