import type { PyFloat } from '../../sxp/float.js';

/**
 * The values XML-RPC carries between xm and xend. A bigint is an <i8> that
 * does not fit a JS number exactly; Buffer is <base64>, Date <dateTime.iso8601>;
 * a PyFloat is a <double> with a whole value.
 */
export type XmlRpcValue =
  | string
  | number
  | PyFloat
  | bigint
  | boolean
  | null
  | Buffer
  | Date
  | XmlRpcValue[]
  | { [key: string]: XmlRpcValue };

/** How a response's value, a listing, is read (ResponseOptions, a transport's CallOptions). */
export interface ListingRead {
  /**
   * The value is a list of SXP lists, and of each only the children headed by one of these
   * keys are needed: the others may be left out (they are when the document is read by the
   * fast path, which then does not decode them).
   */
  sxpKeys?: ReadonlySet<string>;
  /**
   * Each item of the value (a list) is given to this as soon as it is read, and the value is
   * the list of what it returns: a caller that keeps less than the items (a record of each
   * domain, not its SXP) keeps nothing else of a thousand of them alive while the rest are read.
   * It must not have side effects: a reader that gives up partway, the fast one, hands the
   * items it read again to the general reader's turn.
   */
  eachItem?: (item: XmlRpcValue) => unknown;
}

/**
 * `value` as eachItem makes its items, for a reader (or a transport) that could not make
 * them as it read: the general reader, the legacy HTTP transport.
 */
export function eachItemOf(value: XmlRpcValue, { eachItem }: ListingRead): XmlRpcValue {
  return eachItem && Array.isArray(value) ? (value.map(eachItem) as XmlRpcValue[]) : value;
}

/** A <fault> response: faultCode 1/2/3 from xend (see protocol/faults.ts). */
export class XmlRpcFault extends Error {
  override readonly name = 'XmlRpcFault';
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`Fault ${faultCode}: ${faultString}`);
  }
}

/** The input is not a well-formed XML-RPC document, or breaks a limit. */
export class XmlRpcDecodeError extends Error {
  override readonly name = 'XmlRpcDecodeError';
}

/**
 * A value that cannot be put on the wire. Messages follow xmlrpclib where it
 * has one ("int exceeds XML-RPC limits"), since xend sends them as Fault 1.
 */
export class XmlRpcEncodeError extends TypeError {
  override readonly name = 'XmlRpcEncodeError';
}

/** Nesting of arrays/structs allowed by default in either direction. */
export const DEFAULT_MAX_DEPTH = 256;

/** "U+0001", for messages about a character. */
export const charName = (c: string): string => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Not an XML 1.0 Char: C0 controls but TAB/LF/CR, U+FFFE/FFFF, unpaired surrogates. */
export const NON_XML_CHAR =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The XML declaration, at the very start (sticky); group 3 is the encoding it names. */
export const XML_DECL = new RegExp(
  String.raw`<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(["'])1\.[0-9]+\1` +
    String.raw`(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(["'])([A-Za-z][\w.-]*)\2)?` +
    String.raw`(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(["'])(?:yes|no)\4)?[ \t\n]*\?>`,
  'y',
);

export const I64_MIN = -0x8000000000000000n;
export const I64_MAX = 0x7fffffffffffffffn;
