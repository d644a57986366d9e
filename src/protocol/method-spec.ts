import type { Sxp } from '../sxp/types.js';

/** The vocabulary of the wire contract (methods.ts): kinds of parameters, HTTP bindings, and the constructors of an entry. */

/** Each kind of parameter: what a client sends, and what xend's method receives once checked. */
export interface ParamTypes {
  /** A domain by name, id or uuid. */
  domain: { sent: string; received: string | number };
  text: { sent: string; received: string };
  /** A number or a word (a VCPU or `all`, a sysrq key, a power state). */
  token: { sent: string | number; received: string | number };
  int: { sent: number; received: number };
  /** An int, or None for "leave it as it is". */
  optInt: { sent: number | null; received: number | null };
  /** xm sends some flags as 0/1, as its Python did. */
  bool: { sent: boolean | 0 | 1; received: boolean };
  optBool: { sent: boolean | null; received: boolean | null };
  /** A file on xend's host. */
  path: { sent: string; received: string };
  optPath: { sent: string | null; received: string | null };
  /** An SXP value: a domain's config, a device's, a CPU pool's (`(pool …)`); its role says which names files. */
  sxp: { sent: Sxp; received: Sxp };
  /** A list of names (xend.cpu_pool.list's pools): none means all. */
  names: { sent: string[]; received: string[] };
}
export type ParamKind = keyof ParamTypes;

/** What a file parameter holds; the daemon's path policy confines each to its own directory. */
export type FileRole = 'save' | 'dump';
/**
 * What a parameter names on xend's host, which the daemon's path policy confines
 * for a client other than root: a file (a path's role), a whole domain config
 * `(vm …)` or one device's `(vbd (uname …) …)` (an sxp's: the files they name),
 * or one of the host's devices for a guest (a text's, usb_add: pass-through).
 */
export type Role = FileRole | 'vm' | 'device' | 'hostDevice';

export interface Param {
  readonly kind: ParamKind;
  /** Also the parameter's field in a legacy HTTP request. */
  readonly name: string;
  /** Used when the argument is left out (or None). */
  readonly default?: string | number | boolean;
  /** The parameter as xend's messages name it, when not its name. */
  readonly label?: string;
  readonly role?: Role;
}

/** The legacy HTTP request that is the same call as the method. */
export interface HttpBinding {
  readonly verb: 'GET' | 'POST';
  /** Under /xend/; `domain/<dom>` carries the method's first parameter, the domain. */
  readonly path: string;
  /** The POST's `op` field (SrvDomain's op_<op>). */
  readonly op?: string;
  /** The parameters the request carries: a POST's form fields, a GET's query. */
  readonly fields: readonly string[];
  /**
   * How xend answered: `none` 200 without a body (a method that returns nothing),
   * `accepted` 202 without a body (the ops it ran "in the background"), `value`
   * the result as SXP (and None as no body), `struct` a struct as `((key value) …)`,
   * `node` the result as `(node …)`, `text` the result as plain text (SrvNode's
   * dmesg and log).
   */
  readonly reply: 'none' | 'accepted' | 'value' | 'struct' | 'node' | 'text';
  /** A domain op that also answers GET `?op=` (vcpuinfo). */
  readonly get?: boolean;
}

/** A method's result type, carried only by the type checker. */
export interface Returns<R> {
  readonly result?: R;
}

export interface MethodSpec<P extends readonly Param[] = readonly Param[], R = unknown> extends Returns<R> {
  readonly name: string;
  readonly params: P;
  readonly http?: HttpBinding;
}

export const DOMAIN_PATH = 'domain/<dom>';

export const returns = <R>(): Returns<R> => ({});
export const none = returns<void>();
/** A struct (an XML-RPC struct; over HTTP `((key value) …)`), or None. */
export type Struct = object | null;

/** A constructor of one kind of parameter; it keeps the name's literal type, which the named arguments use. */
export const param =
  <K extends ParamKind>(kind: K) =>
  <const N extends string>(name: N, extra: Omit<Param, 'kind' | 'name'> = {}) => ({ kind, name, ...extra });
export const domain = () => param('domain')('dom');
/** A domain, or (an absolute path) the save file a restore is reading: confined as that file when it is one. */
export const domainOrSave = () => param('domain')('dom', { role: 'save' });
export const [text, token, int, optInt, optFlag, path, optPath] = [param('text'), param('token'), param('int'), param('optInt'), param('optBool'), param('path'), param('optPath')];
export const [sxp, names] = [param('sxp'), param('names')];
export const config = () => sxp('config', { role: 'vm' });
/** SrvDomain's device ops carry it in their `config` field. */
export const device = () => sxp('config', { role: 'device' });
/** Sent as SXP: nested arrays over XML-RPC, SXP text in an HTTP form field. */
export const isSxpParam = (p: Param): boolean => p.kind === 'sxp';
/** xend's flags all had a default. */
export const flag = <const N extends string>(name: N, dflt: boolean) => param('bool')(name, { default: dflt });

type HttpRequest = Omit<HttpBinding, 'fields' | 'reply'> & Partial<Pick<HttpBinding, 'fields' | 'reply'>>;
/** POST /xend/domain/<dom> op=<op>: SrvDomain's op_<op>; its form fields are the parameters after the domain. */
export const op = (name: string, reply?: HttpBinding['reply'], extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'POST', path: DOMAIN_PATH, op: name, ...(reply && { reply }), ...extra });
export const get = (path: string, extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'GET', path, ...extra });
export const post = (path: string, name: string, extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'POST', path, op: name, ...extra });

/** A call's arguments, given by parameter name, in the order the contract says they are sent. */
export const argsInOrder = <V>(m: MethodSpec, args: Record<string, V>): V[] => m.params.map((p) => args[p.name]!);

/**
 * One method; an HTTP request carries every parameter that its path does not,
 * unless it says which, and its reply is the result (none for a method that
 * returns nothing) unless it says how.
 */
export function method<const P extends readonly Param[], R>(name: string, params: P, result: Returns<R>, http?: HttpRequest): MethodSpec<P, R> {
  if (!http) return { name, params };
  const inPath = http.path === DOMAIN_PATH ? 1 : 0;
  return { name, params, http: { reply: result === none ? 'none' : 'value', fields: params.slice(inPath).map((p) => p.name), ...http } };
}

