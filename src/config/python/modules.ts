/**
 * The modules a config script may import: os, os.path, sys, re, string and
 * xen.util.ip. They see the machine through a PythonHost so that a simulated
 * host (or a test) decides what os.uname() and os.path.exists() report.
 */
import { existsSync, statSync } from 'node:fs';
import * as nodeOs from 'node:os';
import { posix } from 'node:path';
import { toInt } from './builtins.js';
import { lookupMethod } from './methods.js';
import { reModule } from './re-module.js';
import { bindArgs, builtin, expectInt, expectStr, makeModule, type Runtime } from './runtime.js';
import { EXC, PyDict, PyObject, PyTuple, pyError, pyStr, type PyValue } from './values.js';

export interface PythonHost {
  /** os.uname(): (sysname, nodename, release, version, machine). */
  uname(): readonly [string, string, string, string, string];
  /** os.environ. */
  readonly env: Readonly<Record<string, string | undefined>>;
  cwd(): string;
  exists(path: string): boolean;
  isFile(path: string): boolean;
  isDir(path: string): boolean;
  /** IPv4 address and netmask of a network interface, for xen.util.ip. */
  interfaceAddress(dev: string): { address: string; netmask: string } | null;
}

/** The machine Node runs on. */
export function nodeHost(): PythonHost {
  const stat = (p: string) => {
    try {
      return statSync(p);
    } catch {
      return null;
    }
  };
  return {
    uname: () => [nodeOs.type(), nodeOs.hostname(), nodeOs.release(), nodeOs.version(), nodeOs.machine()],
    env: process.env,
    cwd: () => process.cwd(),
    exists: (p) => existsSync(p),
    isFile: (p) => stat(p)?.isFile() ?? false,
    isDir: (p) => stat(p)?.isDirectory() ?? false,
    interfaceAddress: (dev) => {
      const v4 = nodeOs.networkInterfaces()[dev]?.find((a) => a.family === 'IPv4');
      return v4 ? { address: v4.address, netmask: v4.netmask } : null;
    },
  };
}

/** Python's os.path.join: an absolute component restarts the path. */
export function pathJoin(first: string, ...rest: string[]): string {
  let path = first;
  for (const part of rest) {
    if (part.startsWith('/')) path = part;
    else if (path === '' || path.endsWith('/')) path += part;
    else path += '/' + part;
  }
  return path;
}

export function pathBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function pathDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

function normpath(p: string): string {
  if (p === '') return '.';
  const normalized = posix.normalize(p);
  return normalized.length > 1 ? normalized.replace(/\/$/, '') : normalized;
}

function strArg(name: string, args: PyValue[], kwargs: ReadonlyMap<string, PyValue>): string {
  return expectStr(bindArgs(name, args, kwargs, ['path'])[0], `${name}() argument`);
}

function osPathModule(host: PythonHost): PyObject {
  const abspath = (p: string) => normpath(p.startsWith('/') ? p : pathJoin(host.cwd(), p));
  const pathFn = (name: string, fn: (p: string) => PyValue) => builtin(name, (args, kwargs) => fn(strArg(name, args, kwargs)));
  return makeModule('posixpath', {
    sep: '/',
    curdir: '.',
    pardir: '..',
    join: builtin('join', (args, kwargs) => {
      if (kwargs.size > 0 || args.length === 0) throw pyError(EXC.TypeError, 'join() takes at least 1 argument (0 given)');
      return pathJoin(...(args.map((a) => expectStr(a, 'join() argument')) as [string, ...string[]]));
    }),
    basename: pathFn('basename', pathBasename),
    dirname: pathFn('dirname', pathDirname),
    split: pathFn('split', (p) => new PyTuple([pathDirname(p), pathBasename(p)])),
    splitext: pathFn('splitext', (p) => {
      const base = pathBasename(p);
      const dot = base.lastIndexOf('.');
      if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return new PyTuple([p, '']);
      const cut = p.length - base.length + dot;
      return new PyTuple([p.slice(0, cut), p.slice(cut)]);
    }),
    isabs: pathFn('isabs', (p) => p.startsWith('/')),
    abspath: pathFn('abspath', abspath),
    normpath: pathFn('normpath', normpath),
    expanduser: pathFn('expanduser', (p) => (p === '~' || p.startsWith('~/') ? (host.env.HOME ?? '') + p.slice(1) : p)),
    exists: pathFn('exists', (p) => host.exists(p)),
    isfile: pathFn('isfile', (p) => host.isFile(p)),
    isdir: pathFn('isdir', (p) => host.isDir(p)),
  });
}

function osModule(host: PythonHost, path: PyObject): PyObject {
  const environ = PyDict.from(Object.entries(host.env).filter((e): e is [string, string] => e[1] !== undefined));
  return makeModule('os', {
    path,
    environ,
    name: 'posix',
    sep: '/',
    curdir: '.',
    pardir: '..',
    linesep: '\n',
    uname: builtin('uname', (args, kwargs) => (bindArgs('uname', args, kwargs, []), new PyTuple(host.uname()))),
    getcwd: builtin('getcwd', (args, kwargs) => (bindArgs('getcwd', args, kwargs, []), host.cwd())),
    getenv: builtin('getenv', (args, kwargs) => {
      const [key, fallback = null] = bindArgs('getenv', args, kwargs, ['key', 'default'], 1);
      return environ.get(expectStr(key, 'getenv() key')) ?? fallback;
    }),
  });
}

function sysModule(argv: readonly string[], rt: Runtime): PyObject {
  const stream = (name: 'stdout' | 'stderr') =>
    new PyObject(
      'file',
      new Map<string, PyValue>([
        ['name', `<${name}>`],
        ['write', builtin('write', (args, kwargs) => (rt.write(name, expectStr(bindArgs('write', args, kwargs, ['str'])[0], 'write() argument')), null))],
      ]),
    );
  return makeModule('sys', {
    argv: [...argv],
    platform: 'linux2',
    maxint: (1n << 63n) - 1n,
    byteorder: 'little',
    stdout: stream('stdout'),
    stderr: stream('stderr'),
    exit: builtin('exit', (args, kwargs) => {
      const [status = null] = bindArgs('exit', args, kwargs, ['status'], 0);
      throw pyError(EXC.SystemExit, ...(status === null ? [] : [status]));
    }),
  });
}

const ASCII_LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ASCII_UPPER = ASCII_LOWER.toUpperCase();

/** Python 2's string module: constants, and functions that forward to str methods. */
function stringModule(rt: Runtime): PyObject {
  const forward = (name: string) =>
    builtin(name, (args, kwargs) => {
      const [self, ...rest] = args;
      const method = lookupMethod(expectStr(self, `${name}() argument 1`), name, rt)!;
      return method.fn(rest, kwargs);
    });
  const functions = ['split', 'rsplit', 'strip', 'lstrip', 'rstrip', 'lower', 'upper', 'replace', 'find', 'rfind', 'index', 'count', 'capitalize', 'zfill', 'ljust', 'rjust', 'center'];
  return makeModule('string', {
    ascii_lowercase: ASCII_LOWER,
    ascii_uppercase: ASCII_UPPER,
    ascii_letters: ASCII_LOWER + ASCII_UPPER,
    lowercase: ASCII_LOWER,
    uppercase: ASCII_UPPER,
    letters: ASCII_LOWER + ASCII_UPPER,
    digits: '0123456789',
    hexdigits: '0123456789abcdefABCDEF',
    octdigits: '01234567',
    punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
    whitespace: ' \t\n\r\x0b\x0c',
    ...Object.fromEntries(functions.map((f) => [f, forward(f)])),
    join: builtin('join', (args, kwargs) => {
      const [words, sep = ' '] = bindArgs('join', args, kwargs, ['words', 'sep'], 1);
      return lookupMethod(expectStr(sep, 'join() separator'), 'join', rt)!.fn([words!], new Map());
    }),
    atoi: builtin('atoi', (args, kwargs) => {
      const [text, base = 10n] = bindArgs('atoi', args, kwargs, ['s', 'base'], 1);
      return toInt(expectStr(text, 'atoi() argument'), base);
    }),
  });
}

// ---------------------------------------------------------------- xen.util.ip

/** Bridge xen.util.ip falls back to when eth0 has no address. */
const NBE_BRIDGE = 'xen-br0';

function inetAton(addr: string): bigint {
  const parts = addr.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d+$/.test(p) && Number(p) < 256)) {
    throw pyError(EXC.OSError, 'illegal IP address string passed to inet_aton');
  }
  return parts.reduce((n, p) => (n << 8n) | BigInt(p), 0n);
}

function inetNtoa(n: bigint): string {
  if (n < 0n || n > 0xffffffffn) throw pyError(EXC.OverflowError, "'I' format requires 0 <= number <= 4294967295");
  return [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 0xffn)).join('.');
}

/** The functions `from xen.util.ip import *` puts into every config script's namespace. */
function xenIpFunctions(host: PythonHost): Record<string, PyValue> {
  const lookup = (name: string, field: 'address' | 'netmask') =>
    builtin(name, (args, kwargs) => {
      const [dev = 'eth0'] = bindArgs(name, args, kwargs, ['dev'], 0);
      const device = expectStr(dev, 'dev');
      const found = host.interfaceAddress(device) ?? (device === 'eth0' ? host.interfaceAddress(NBE_BRIDGE) : null);
      return found ? found[field] : null;
    });
  return {
    NBE_BRIDGE,
    get_current_ipaddr: lookup('get_current_ipaddr', 'address'),
    get_current_ipmask: lookup('get_current_ipmask', 'netmask'),
    // The host has no routing table to read; Python's version returns None when it finds no gateway.
    get_current_ipgw: builtin('get_current_ipgw', (args, kwargs) => (bindArgs('get_current_ipgw', args, kwargs, ['dev'], 0), null)),
    inet_aton: builtin('inet_aton', (args, kwargs) => inetAton(expectStr(bindArgs('inet_aton', args, kwargs, ['addr'])[0], 'addr'))),
    inet_ntoa: builtin('inet_ntoa', (args, kwargs) => inetNtoa(expectInt(bindArgs('inet_ntoa', args, kwargs, ['n'])[0], 'n'))),
    add_offset_to_ip: builtin('add_offset_to_ip', (args, kwargs) => {
      const [addr, offset] = bindArgs('add_offset_to_ip', args, kwargs, ['addr', 'offset']);
      return inetNtoa(inetAton(expectStr(addr, 'addr')) + expectInt(offset, 'offset'));
    }),
    check_subnet: builtin('check_subnet', (args, kwargs) => {
      const [ip, network, netmask] = bindArgs('check_subnet', args, kwargs, ['ip', 'network', 'netmask']).map((v) => inetAton(pyStr(v!)));
      return (ip! & netmask!) === (network! & netmask!);
    }),
  };
}

/** Importable modules by dotted name, built on first import. */
export function moduleRegistry(host: PythonHost, argv: readonly string[], rt: Runtime): (name: string) => PyObject | undefined {
  const built = new Map<string, PyObject>();
  const factories: Record<string, () => PyObject> = {
    os: () => osModule(host, get('os.path')!),
    'os.path': () => osPathModule(host),
    posixpath: () => get('os.path')!,
    sys: () => sysModule(argv, rt),
    re: () => reModule(rt),
    string: () => stringModule(rt),
    xen: () => makeModule('xen', { util: get('xen.util')! }),
    'xen.util': () => makeModule('xen.util', { ip: get('xen.util.ip')! }),
    'xen.util.ip': () => makeModule('xen.util.ip', { os: get('os')!, re: get('re')!, ...xenIpFunctions(host) }),
  };
  function get(name: string): PyObject | undefined {
    let module = built.get(name);
    if (!module && Object.hasOwn(factories, name)) {
      module = factories[name]!();
      built.set(name, module);
    }
    return module;
  }
  return get;
}
