/** XML-RPC as xend and Python's xmlrpclib speak it (allow_none), plus xend's top-level string quirk. */
export { eachItemOf, XmlRpcDecodeError, XmlRpcEncodeError, XmlRpcFault, DEFAULT_MAX_DEPTH, type ListingRead, type XmlRpcValue } from './types.js';
export { encodeCall, encodeFault, encodeResponse, encodeResponseParts, encodeValue, pyFloatRepr } from './encode.js';
export { KeptArray, keepResponse, keptList, keptOf, keptResponse, retireList, trimmedList } from './kept.js';
export { decodeCall, decodeRepeatedCall, decodeResponse, DEFAULT_MAX_BYTES, type ResponseOptions } from './decode.js';
export { pyReprEscape, pyStringUnescape } from './pyrepr.js';
