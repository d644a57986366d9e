import { DOMAIN_METHODS } from './xend/domain.js';
import { NODE_METHODS } from './xend/node.js';
import { TMEM_METHODS } from './xend/tmem.js';
import { VNET_METHODS } from './xend/vnet.js';
import { SECURITY_METHODS } from './xend/security.js';
import { CPUPOOL_METHODS } from './xend/cpupool.js';
import { SCHEDULER_METHODS } from './xend/scheduler.js';
import { DEVICE_METHODS } from './xend/device.js';
import type { MethodSpec, ParamTypes, Returns } from './method-spec.js';

export { DOMAIN_PATH, argsInOrder, isSxpParam, type FileRole, type Role, type HttpBinding, type MethodSpec, type Param, type ParamKind, type ParamTypes } from './method-spec.js';

/**
 * The one wire contract of xend's legacy API: each method once, with its
 * XML-RPC name, its positional parameters in xend 4.4's order
 * (XMLRPCServer.py, XendDomain.py), its result, and the legacy HTTP request
 * that is the same call (SrvDomainDir, SrvDomain, SrvNode). The client's typed
 * calls (XendApi), the daemon's implementation (XendImplementation), the HTTP
 * transport and server, and the daemon's path policy are all derived from it.
 */

export const XEND = {
  ...DOMAIN_METHODS,
  ...NODE_METHODS,
  ...DEVICE_METHODS,
  ...SCHEDULER_METHODS,
  ...CPUPOOL_METHODS,
  ...TMEM_METHODS,
  ...VNET_METHODS,
  ...SECURITY_METHODS,
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
/** The implementation of one group of the contract (one of xend's modules), as a service provides it. */
export type ImplementationOf<Group> = Pick<XendImplementation, keyof Group & MethodKey>;

/** The methods by their wire names. */
export const methodByName: ReadonlyMap<string, MethodSpec> = new Map(Object.values(XEND).map((m: MethodSpec) => [m.name, m]));
