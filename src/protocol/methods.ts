import type { Sxp } from '../sxp/types.js';

/**
 * The one wire contract of xend's legacy API: each method once, with its
 * XML-RPC name, its positional parameters in xend 4.4's order
 * (XMLRPCServer.py, XendDomain.py), its result, and the legacy HTTP request
 * that is the same call (SrvDomainDir, SrvDomain, SrvNode). The client's typed
 * calls (XendApi), the daemon's implementation (XendImplementation), the HTTP
 * transport and server, and the daemon's path policy are all derived from it.
 */

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
  /** A whole domain config, `(vm …)`. */
  config: { sent: Sxp; received: Sxp };
}
export type ParamKind = keyof ParamTypes;

/** What a file parameter holds; the daemon's path policy confines each to its own directory. */
export type FileRole = 'save' | 'dump';

export interface Param {
  readonly kind: ParamKind;
  /** Also the parameter's field in a legacy HTTP request. */
  readonly name: string;
  /** Used when the argument is left out (or None). */
  readonly default?: string | number | boolean;
  /** The parameter as xend's messages name it, when not its name. */
  readonly label?: string;
  readonly file?: FileRole;
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
   * How xend answered: `accepted` 202 without a body (the ops it ran "in the
   * background"), `value` the result as SXP, `struct` a struct as `((key value) …)`,
   * `node` the result as `(node …)`.
   */
  readonly reply: 'accepted' | 'value' | 'struct' | 'node';
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

const returns = <R>(): Returns<R> => ({});
const none = returns<void>();
/** A struct (an XML-RPC struct; over HTTP `((key value) …)`), or None. */
type Struct = object | null;

/** A constructor of one kind of parameter; it keeps the name's literal type, which the named arguments use. */
const param =
  <K extends ParamKind>(kind: K) =>
  <const N extends string>(name: N, extra: Omit<Param, 'kind' | 'name'> = {}) => ({ kind, name, ...extra });
const domain = () => param('domain')('dom');
const config = () => param('config')('config');
const [text, token, int, optInt, optFlag, path, optPath] = [param('text'), param('token'), param('int'), param('optInt'), param('optBool'), param('path'), param('optPath')];
/** xend's flags all had a default. */
const flag = <const N extends string>(name: N, dflt: boolean) => param('bool')(name, { default: dflt });

type HttpRequest = Omit<HttpBinding, 'fields' | 'reply'> & Partial<Pick<HttpBinding, 'fields' | 'reply'>>;
/** POST /xend/domain/<dom> op=<op>: SrvDomain's op_<op>; its form fields are the parameters after the domain. */
const op = (name: string, reply: HttpBinding['reply'] = 'value', extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'POST', path: DOMAIN_PATH, op: name, reply, ...extra });
const get = (path: string, extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'GET', path, ...extra });
const post = (path: string, name: string, extra: Partial<HttpBinding> = {}): HttpRequest => ({ verb: 'POST', path, op: name, ...extra });

/** One method; an HTTP request carries every parameter that its path does not, unless it says which. */
function method<const P extends readonly Param[], R>(name: string, params: P, _result: Returns<R>, http?: HttpRequest): MethodSpec<P, R> {
  if (!http) return { name, params };
  const inPath = http.path === DOMAIN_PATH ? 1 : 0;
  return { name, params, http: { reply: 'value', fields: params.slice(inPath).map((p) => p.name), ...http } };
}

export const XEND = {
  domain: method('xend.domain', [domain(), flag('full', false)], returns<Sxp>(), get(DOMAIN_PATH, { fields: [] })),
  domains: method('xend.domains', [flag('detail', true), flag('full', false)], returns<Sxp[]>()),
  domains_with_state: method('xend.domains_with_state', [flag('detail', true), token('state'), flag('full', false)], returns<Sxp[]>(), get('domain')),
  create: method('xend.domain.create', [config()], returns<Sxp>(), post('domain', 'create')),
  destroy: method('xend.domain.destroy', [domain()], none, op('destroy', 'accepted')),
  pause: method('xend.domain.pause', [domain()], none, op('pause')),
  unpause: method('xend.domain.unpause', [domain()], none, op('unpause')),
  /** xend's paused_by_admin flag, which xm pause and unpause set; an unknown domain's is None. */
  setpauseflag: method('xend.domain.setpauseflag', [domain(), flag('flag', false)], none, op('do_set_pauseflag')),
  getpauseflag: method('xend.domain.getpauseflag', [domain()], returns<boolean | null>(), op('do_get_pauseflag', 'value', { fields: [] })),
  shutdown: method('xend.domain.shutdown', [domain(), text('reason', { default: 'poweroff' })], none, op('shutdown', 'accepted')),
  setMemoryTarget: method('xend.domain.setMemoryTarget', [domain(), int('target')], none, op('mem_target_set')),
  setVCpuCount: method('xend.domain.setVCpuCount', [domain(), int('vcpus')], none, op('set_vcpus')),
  setName: method('xend.domain.setName', [domain(), text('name', { label: 'VM Name' })], none, op('rename', 'accepted')),
  getVCPUInfo: method('xend.domain.getVCPUInfo', [domain()], returns<Sxp>(), op('vcpuinfo', 'value', { get: true })),
  getRestartCount: method('xend.domain.getRestartCount', [domain()], returns<string>()),
  waitForDevices: method('xend.domain.waitForDevices', [domain()], none, op('wait_for_devices', 'accepted')),
  save: method('xend.domain.save', [domain(), path('file', { file: 'save' }), flag('checkpoint', false)], none, op('save', 'accepted')),
  restore: method('xend.domain.restore', [path('file', { file: 'save' }), flag('paused', false)], returns<Sxp>(), post('domain', 'restore')),
  /** Blocks until the domain runs at `destination`; resolves to what the migration moved. */
  migrate: method(
    'xend.domain.migrate',
    [domain(), text('destination'), flag('live', false), int('port', { default: 0 }), int('node', { default: -1 }), optFlag('ssl'), flag('change_home_server', false)],
    returns<Struct>(),
    op('migrate', 'struct'),
  ),
  // Not in xend: what xm shows while a migration runs, its Ctrl-C, and the check of what it carried.
  migrateProgress: method('xend.domain.migrateProgress', [domain()], returns<Struct>(), op('migrate_progress', 'struct')),
  migrateCancel: method('xend.domain.migrateCancel', [domain()], none, op('migrate_cancel')),
  getMemoryChecksum: method('xend.domain.getMemoryChecksum', [domain()], returns<string>(), op('memory_checksum')),
  maxmem_set: method('xend.domain.maxmem_set', [domain(), int('memory')], none, op('maxmem_set')),
  /** `vcpu` a number or `all`; `cpumap` the CPUs as "0,1,3". */
  pincpu: method('xend.domain.pincpu', [domain(), token('vcpu'), text('cpumap')], none, op('pincpu')),
  sched_credit_get: method('xend.domain.sched_credit_get', [domain()], returns<Struct>(), op('domain_sched_credit_get', 'struct')),
  /** None leaves a parameter as it is. */
  sched_credit_set: method('xend.domain.sched_credit_set', [domain(), optInt('weight'), optInt('cap')], returns<number>(), op('domain_sched_credit_set')),
  send_sysrq: method('xend.domain.send_sysrq', [domain(), token('key')], none, op('sysrq', 'accepted')),
  // Not in SrvDomain (xend had it over XML-RPC only).
  send_trigger: method('xend.domain.send_trigger', [domain(), text('name'), optInt('vcpu', { default: 0 })], none, op('send_trigger')),
  reset: method('xend.domain.reset', [domain()], none, op('reset', 'accepted')),
  /** Resolves to the core file written; over HTTP answered 200 with it rather than xend's 202, so xm can say where it went. */
  dump: method(
    'xend.domain.dump',
    [domain(), optPath('file', { file: 'dump' }), flag('live', false), flag('crash', false), flag('reset', false)],
    returns<string>(),
    op('dump'),
  ),
  // xend took `op=new` on /xend/domain only; this suite's server and client know the per-domain ops below too.
  new: method('xend.domain.new', [config()], none, post('domain', 'new')),
  start: method('xend.domain.start', [domain(), flag('paused', true)], none, op('start', 'accepted')),
  delete: method('xend.domain.delete', [domain()], none, op('delete', 'accepted')),
  // Not in SrvDomain (xend had them over XML-RPC only): managed domains' suspend and resume.
  suspend: method('xend.domain.suspend', [domain()], none, op('suspend', 'accepted')),
  resume: method('xend.domain.resume', [domain(), flag('paused', false)], none, op('resume')),
  node_info: method('xend.node.info', [flag('show_numa', true)], returns<Sxp[]>(), get('node', { fields: [], reply: 'node' })),
  node_dmesg_info: method('xend.node.dmesg.info', [], returns<string>(), get('node/dmesg')),
  node_dmesg_clear: method('xend.node.dmesg.clear', [], returns<string>(), post('node/dmesg', 'clear')),
  node_log: method('xend.node.log', [], returns<string>(), get('node/log')),
};

export type Xend = typeof XEND;
export type MethodKey = keyof Xend;

/**
 * A method's arguments by parameter name, as a client sends them or as xend's
 * method receives them: the order is the contract's alone.
 */
export type Args<M extends MethodSpec, Face extends 'sent' | 'received'> = {
  [P in M['params'][number] as P['name']]: ParamTypes[P['kind']][Face];
};
/** No argument object for a method without parameters. */
type ArgList<M extends MethodSpec, Face extends 'sent' | 'received'> = M['params'] extends readonly [] ? [] : [args: Args<M, Face>];
type ResultOf<M> = M extends Returns<infer R> ? R : never;
/** A method whose result xm ignores may return whatever its service does; the servers send it as it is. */
type Outcome<R> = [R] extends [void] ? unknown : R | Promise<R>;

/** The client's face of the contract: each method called with what a client sends. */
export type XendApi = {
  [K in MethodKey]: (...args: ArgList<Xend[K], 'sent'>) => Promise<ResultOf<Xend[K]>>;
};

/** The daemon's face: each method given its arguments checked and converted. */
export type XendImplementation = {
  [K in MethodKey]: (...args: ArgList<Xend[K], 'received'>) => Outcome<ResultOf<Xend[K]>>;
};

/** The methods by their wire names. */
export const methodByName: ReadonlyMap<string, MethodSpec> = new Map(Object.values(XEND).map((m: MethodSpec) => [m.name, m]));
