/**
 * The xm side of `xm create` (create.py + opts.py, Xen 4.4): the config variables
 * and their VAR=VAL conversions, running the Python config script, and turning the
 * resulting values into the `(vm …)` SXP exactly as make_config did.
 *
 * Values are PyValues from the config interpreter (ints are bigints, lists arrays);
 * the SXP uses numbers for ints and strings for strings.
 */
import { homedir } from 'node:os';
import { posix } from 'node:path';
import type { Sxp } from '../sxp/types.js';
import {
  PyDict,
  PythonRuntimeError,
  PythonSyntaxError,
  PyTuple,
  isMachineInt,
  pathBasename,
  pathDirname,
  pathJoin,
  pyEquals,
  pyRepr,
  pyStr,
  runConfigScript,
  syntaxErrorDetail,
  tokenize,
  truthy,
  typeName,
  type ConfigScriptOptions,
  type ConfigScriptResult,
  type PythonHost,
  type PyValue,
} from './python/index.js';
import { Py2KeyOrder } from '../py2-dict-order.js';
import { findBadString, MAX_VIRT_CPUS, notXml, shownKey } from './domain-limits.js';
import { nearest } from '../nearest.js';
import { hex0x } from '../protocol/pci.js';

/** Option values by variable name, as opts.vals holds them. */
export type ConfigValues = Map<string, PyValue>;

/** An error xm reports as `Error: <message>` (exit status 1). */
export class DomainConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DomainConfigError';
  }
}

// ---------------------------------------------------------------- the variables

/** How a VAR=VAL argument is converted: opts.py's set_value, set_int, set_long, set_bool, append_value. */
export type ConfigVariableKind = 'str' | 'int' | 'long' | 'bool' | 'list';

export interface ConfigVariable {
  readonly name: string;
  readonly kind: ConfigVariableKind;
  /** Lists default to a fresh []; display and xauthority are filled in from the environment. */
  readonly default: string | bigint | null;
}

const v = (name: string, kind: ConfigVariableKind, value: string | number | null = null): ConfigVariable => ({
  name,
  kind,
  default: typeof value === 'number' ? BigInt(value) : value,
});

/** create.py's gopts.var table (4.4), in declaration order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = [
  v('vncpasswd', 'str'), v('vncviewer', 'bool'), v('vncconsole', 'bool'),
  v('name', 'str'), v('bootloader', 'str'), v('bootargs', 'str'), v('bootentry', 'str'),
  v('kernel', 'str'), v('ramdisk', 'str', ''), v('loader', 'str', ''), v('features', 'str', ''),
  v('builder', 'str', 'linux'),
  v('memory', 'int', 128), v('maxmem', 'int'), v('shadow_memory', 'int', 0), v('memory_sharing', 'bool', 0),
  v('cpu', 'int'), v('cpus', 'str'),
  v('rtc_timeoffset', 'int', 0), v('pae', 'int', 1), v('hpet', 'int', 0), v('timer_mode', 'int', 1),
  v('tsc_mode', 'int', 0), v('nomigrate', 'int', 0), v('vpt_align', 'int', 1), v('viridian', 'int', 0),
  v('acpi', 'int', 1), v('apic', 'int', 1), v('vcpus', 'int', 1), v('vcpu_avail', 'long'), v('vhpt', 'int', 0),
  v('cpu_cap', 'int'), v('cpu_weight', 'int'),
  v('restart', 'str'), v('on_poweroff', 'str'), v('on_reboot', 'str'), v('on_crash', 'str'),
  v('blkif', 'bool', 0), v('netif', 'bool', 0),
  v('disk', 'list'), v('pci', 'list'), v('vscsi', 'list'), v('vusb', 'list'), v('ioports', 'list'), v('irq', 'list'),
  v('vfb', 'list'), v('vif', 'list'), v('vif2', 'list'), v('access_control', 'list'),
  v('nics', 'int', -1),
  v('root', 'str', ''), v('extra', 'str', ''), v('ip', 'str', ''), v('gateway', 'str', ''), v('netmask', 'str', ''),
  v('hostname', 'str', ''), v('interface', 'str', 'eth0'), v('dhcp', 'str', 'off'), v('nfs_server', 'str'), v('nfs_root', 'str'),
  v('device_model', 'str'), v('fda', 'str', ''), v('fdb', 'str', ''), v('parallel', 'str', ''), v('serial', 'str', ''),
  v('monitor', 'bool', 0), v('monitor_path', 'str', ''), v('localtime', 'bool', 0), v('keymap', 'str', ''),
  v('usb', 'bool', 0), v('usbdevice', 'str', ''), v('description', 'str', ''), v('guest_os_type', 'str', 'default'),
  v('stdvga', 'bool', 0), v('isa', 'bool', 0), v('boot', 'str', 'c'), v('nographic', 'bool', 0), v('soundhw', 'str', ''),
  v('vnc', 'str'), v('vncdisplay', 'str'), v('vnclisten', 'str'), v('vncunused', 'bool', 1), v('videoram', 'int', 4),
  v('sdl', 'str'), v('gfx_passthru', 'str'), v('opengl', 'str'), v('display', 'str'), v('xauthority', 'str'),
  v('uuid', 'str'), v('on_xend_start', 'str', 'ignore'), v('on_xend_stop', 'str', 'ignore'),
  v('target', 'int', 0), v('hap', 'int', 1), v('nestedhvm', 'int', 0), v('s3_integrity', 'int', 1), v('oos', 'int', 1),
  v('cpuid', 'list'), v('cpuid_check', 'list'), v('machine_address_size', 'int'), v('suppress_spurious_page_faults', 'bool'),
  v('pool', 'str'), v('pci_msitranslate', 'int', 1), v('pci_power_mgmt', 'int', 0), v('xen_platform_pci', 'int', 1),
  v('superpages', 'int', 0),
];

const VARIABLES_BY_NAME = new Map(CONFIG_VARIABLES.map((c) => [c.name, c]));

type Env = Readonly<Record<string, string | undefined>>;

/** create.py's get_xauthority(). */
function xauthority(env: Env): string {
  return env.XAUTHORITY || `${env.HOME || homedir()}/.Xauthority`;
}

/** opts.vals before the command line and the script are applied. */
export function defaultValues(env: Env = process.env): ConfigValues {
  const values: ConfigValues = new Map();
  for (const c of CONFIG_VARIABLES) values.set(c.name, c.kind === 'list' ? [] : c.default);
  values.set('display', env.DISPLAY ?? null);
  values.set('xauthority', xauthority(env));
  return values;
}

/** Python's int() on a command-line string. */
function parseInt10(text: string): bigint | null {
  return /^\s*[+-]?\d+\s*$/.test(text) ? BigInt(text.trim()) : null;
}

/** One VAR=VAL argument for a known variable, converted as opts.py does. */
function convertArgument(variable: ConfigVariable, text: string): PyValue {
  switch (variable.kind) {
    case 'int':
    case 'long': {
      const n = parseInt10(text);
      if (n === null) throw new DomainConfigError(`Invalid value: ${text}`);
      return n;
    }
    case 'bool':
      if (text === 'yes' || text === 'y') return 1n;
      if (text === 'no' || text === 'n') return 0n;
      throw new DomainConfigError(`Invalid value:${text}`);
    default:
      return text;
  }
}

/**
 * Applies VAR=VAL arguments: known variables are set (and later win over the script),
 * unknown ones become string variables of the script's namespace.
 */
function applyCommandLine(values: ConfigValues, cmdVars: Readonly<Record<string, string | readonly string[]>>) {
  const specified = new Set<string>();
  const scriptVars: Record<string, string> = {};
  for (const [name, given] of Object.entries(cmdVars)) {
    const texts = typeof given === 'string' ? [given] : given;
    const variable = VARIABLES_BY_NAME.get(name);
    if (!variable) {
      if (texts.length > 0) scriptVars[name.trim()] = texts[texts.length - 1]!.trim();
      continue;
    }
    specified.add(name);
    for (const text of texts) {
      if (variable.kind === 'list') {
        const current = values.get(name);
        values.set(name, [...(Array.isArray(current) ? current : []), text]);
      } else {
        values.set(name, convertArgument(variable, text));
      }
    }
  }
  return { specified, scriptVars };
}

/** opts.load(): top-level str, list, int and float variables the command line did not set. */
function copyScriptValues(values: ConfigValues, namespace: ReadonlyMap<string, PyValue>, specified: ReadonlySet<string>): void {
  for (const [name, value] of namespace) {
    if (specified.has(name)) continue;
    if (isPlainData(value) && (typeof value !== 'bigint' || isMachineInt(value))) values.set(name, value);
  }
}

// ---------------------------------------------------------------- loading

export interface DomainConfigInput {
  /** The config file as found (the value of xm_file, and the file named in syntax errors). */
  readonly file: string;
  readonly source: string;
  /** VAR=VAL arguments; a variable given several times (disk=…) as an array. */
  readonly cmdVars?: Readonly<Record<string, string | readonly string[]>>;
  /** DISPLAY, XAUTHORITY and HOME for the display defaults; process.env by default. */
  readonly env?: Env;
  /** The machine the script's os module sees; the real one by default. */
  readonly host?: PythonHost;
  readonly make?: Omit<MakeConfigOptions, 'env' | 'warn'>;
}

export interface LoadedDomainConfig {
  readonly values: ConfigValues;
  readonly sxp: Sxp;
  /** Complete stderr lines, "Warning: " included. */
  readonly warnings: string[];
  /** What the script printed. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a config script as xm's Opts.load did (domain and pool configs alike): its errors in xm's words.
 * @throws DomainConfigError; PythonUnsupportedError when the script needs a real Python.
 */
export function runXmConfig(source: string, options: ConfigScriptOptions): ConfigScriptResult {
  try {
    return runConfigScript(source, options);
  } catch (e) {
    if (e instanceof PythonSyntaxError) {
      // xm's two lines, then what is wrong; Python's line text kept its newline, so xm's message ended with a blank line.
      throw new DomainConfigError(`Errors were found at line ${e.line} while processing ${options.file}:\n\t${e.text}\n\t${syntaxErrorDetail(source, e)}\n`);
    }
    // str(MemoryError()) is empty: name the exception then, as Python's traceback does.
    if (e instanceof PythonRuntimeError) throw new DomainConfigError(e.message || e.pyType);
    throw e;
  }
}

/**
 * Runs a Python config script natively and builds the domain's SXP.
 * @throws DomainConfigError with xm's message; PythonUnsupportedError when the
 *         script needs a real Python (the caller may fall back to one).
 */
export function loadDomainConfig(input: DomainConfigInput): LoadedDomainConfig {
  const env = input.env ?? input.host?.env ?? process.env;
  const values = defaultValues(env);
  const { specified, scriptVars } = applyCommandLine(values, input.cmdVars ?? {});
  const script = runXmConfig(input.source, { file: input.file, vars: scriptVars, host: input.host });
  copyScriptValues(values, script.namespace, specified);
  if (!truthy(values.get('name') ?? null)) values.set('name', pathBasename(input.file));
  const warnings = misspeltVariables(input, script);
  const sxp = makeConfig(values, { ...input.make, env, warn: (w) => warnings.push(w) });
  return { values, sxp, warnings, stdout: script.stdout, stderr: script.stderr };
}

const VARIABLE_NAMES = CONFIG_VARIABLES.map((c) => c.name);

/**
 * xm ignores a top-level name that is not a config variable, so `memroy = 256` starts a
 * guest with the default memory. A warning for each such name that is near a variable,
 * unless the file uses it itself (a helper it reads later, appearing more than once).
 */
function misspeltVariables(input: DomainConfigInput, script: ConfigScriptResult): string[] {
  const candidates = [...script.namespace].filter(([name, value]) => !script.preloaded.has(name) && !VARIABLES_BY_NAME.has(name) && isPlainData(value));
  if (!candidates.length) return [];
  const uses = new Map<string, { count: number; line: number }>();
  for (const t of tokenize(input.source)) {
    if (t.type !== 'name') continue;
    const u = uses.get(t.value);
    if (u) u.count++;
    else uses.set(t.value, { count: 1, line: t.line });
  }
  const warnings: string[] = [];
  for (const [name] of candidates) {
    const use = uses.get(name);
    if (!use || use.count > 1) continue;
    // One edit: two would turn 3.0's memmap, which 4.4 ignores, into keymap.
    const meant = nearest(name, VARIABLE_NAMES, 1);
    if (meant.length) warnings.push(`Warning: ${input.file}:${use.line}: ${name} is not a config variable and is ignored; did you mean ${meant.join(' or ')}?`);
  }
  return warnings;
}

/** A value a config variable could hold (not a function, class or module the script defined). */
function isPlainData(value: PyValue): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' || Array.isArray(value);
}

/**
 * The config file xm would use: each of `['']+path.split(':')` in turn, relative
 * results prefixed with `./`; null when none exists.
 */
export function findConfigFile(name: string, searchPath: string, exists: (path: string) => boolean): string | null {
  for (const dir of ['', ...searchPath.split(':')]) {
    let candidate = dir ? pathJoin(dir, name) : name;
    if (!candidate.startsWith('/')) candidate = pathJoin('.', candidate);
    if (exists(candidate)) return candidate;
  }
  return null;
}

// ---------------------------------------------------------------- Python-like helpers

const get = (values: ConfigValues, name: string): PyValue => values.get(name) ?? null;

function noAttribute(value: PyValue, attribute: string): never {
  throw new DomainConfigError(`'${typeName(value)}' object has no attribute '${attribute}'`);
}

function asString(value: PyValue, method: string): string {
  return typeof value === 'string' ? value : noAttribute(value, method);
}

/** The values a Python `for` loop over the value visits (a copy). */
function items(value: PyValue): PyValue[] {
  if (Array.isArray(value)) return [...value];
  if (value instanceof PyTuple) return [...value.items];
  if (typeof value === 'string') return [...value];
  if (value instanceof PyDict) return value.keys();
  throw new DomainConfigError(`'${typeName(value)}' object is not iterable`);
}

/** Python's `a + b + …` on strings, with Python 2's messages for a non-string. */
function concat(...parts: PyValue[]): string {
  let text = parts[0];
  if (typeof text !== 'string') throw new DomainConfigError(`unsupported operand type(s) for +: '${typeName(text ?? null)}' and 'str'`);
  for (const p of parts.slice(1)) {
    if (typeof p !== 'string') throw new DomainConfigError(`cannot concatenate 'str' and '${typeName(p)}' objects`);
    text += p;
  }
  return text;
}

function stripPrefix(prefix: string, value: PyValue): PyValue {
  const s = asString(value, 'startswith');
  return s.startsWith(prefix) ? s.slice(prefix.length) : s;
}

/** Python's int(text, base) for the few places make_config parses numbers. */
function parseIntBase(text: string, base: 10 | 16): bigint {
  const digits = base === 16 ? /^\s*[+-]?(?:0[xX])?[0-9a-fA-F]+\s*$/ : /^\s*[+-]?\d+\s*$/;
  if (!digits.test(text)) throw new DomainConfigError(`invalid literal for int() with base ${base}: ${pyRepr(text)}`);
  const t = text.trim().replace(/^([+-]?)0[xX]/, '$1');
  const negative = t.startsWith('-');
  const magnitude = BigInt((base === 16 ? '0x' : '') + t.replace(/^[+-]/, ''));
  return negative ? -magnitude : magnitude;
}

/** An option value in the SXP: ints as numbers (beyond 2^53 as bigints), lists and tuples as lists. */
function toSxp(value: PyValue, enclosing: readonly PyValue[] = []): Sxp {
  if (value === null || typeof value === 'string' || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value;
  // xmlrpclib's refusals, which is where such values failed in xm.
  if (enclosing.includes(value)) throw new DomainConfigError('cannot marshal recursive sequences');
  const inner = (items: readonly PyValue[]) => items.map((x) => toSxp(x, [...enclosing, value]));
  if (Array.isArray(value)) return inner(value);
  if (value instanceof PyTuple) return inner(value.items);
  if (value instanceof PyDict) return struct(value, (v) => toSxp(v, [...enclosing, value]));
  throw new DomainConfigError(`cannot marshal <type '${typeName(value)}'> objects`);
}

/**
 * create.py's comma_sep_kv_to_dict: "k=v, k=v" → ordered pairs. The order is that of
 * the Python 2 dict xm iterated, which decides the order of the SXP entries.
 */
class KeyValues {
  readonly values = new Map<string, string>();
  readonly order = new Py2KeyOrder();

  constructor(spec: PyValue) {
    const c = asString(spec, 'strip').trim();
    if (c.length === 0) return;
    for (const pair of c.split(',')) {
      if (!pair.includes('=')) throw new DomainConfigError(`${pair} should be a pair, separated by an equals sign.`);
      const eq = pair.indexOf('=');
      this.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  set(key: string, value: string): void {
    this.values.set(key, value);
    this.order.set(key);
  }

  delete(key: string): void {
    this.values.delete(key);
    this.order.delete(key);
  }

  entries(): [string, string][] {
    return this.order.keys().map((k) => [k, this.values.get(k)!]);
  }
}

// ---------------------------------------------------------------- preprocess

interface Disk {
  uname: string;
  dev: string;
  mode: string;
  backend: string | null;
  protocol: string | null;
}

function preprocessDisks(values: ConfigValues): Disk[] {
  const disks = get(values, 'disk');
  if (!truthy(disks)) {
    items(disks); // make_config still iterates it: None is an error
    return [];
  }
  return items(disks).map((spec) => {
    const fields = asString(spec, 'split').split(',');
    if (fields.length < 3 || fields.length > 5) throw new DomainConfigError(`Invalid disk specifier: ${pyStr(spec)}`);
    const [uname, dev, mode, backend = null, protocol = null] = fields as [string, string, string, string?, string?];
    return { uname, dev, mode, backend, protocol };
  });
}

function preprocessIoports(values: ConfigValues): [string, string][] {
  const ioports = get(values, 'ioports');
  if (!truthy(ioports)) {
    items(ioports); // make_config still iterates it: None is an error
    return [];
  }
  return items(ioports).map((spec) => {
    const range = asString(spec, 'split').split('-');
    if (range.length > 2) throw new DomainConfigError(`Invalid i/o port range specifier: ${pyStr(spec)}`);
    // The components are hex; xend wants them with a 0x prefix.
    return [`0x${range[0]}`, `0x${range[1] ?? range[0]}`];
  });
}

/** preprocess_ip: the Linux `ip=` kernel argument, or '' when neither ip nor dhcp is set. */
function kernelIp(values: ConfigValues): string {
  const ip = get(values, 'ip');
  if (!truthy(ip) && pyEquals(get(values, 'dhcp'), 'off')) return '';
  const nfsServer = get(values, 'nfs_server');
  return concat(
    ip, ':', truthy(nfsServer) ? nfsServer : '127.0.255.255',
    ':', get(values, 'gateway'), ':', get(values, 'netmask'), ':', get(values, 'hostname'),
    ':', get(values, 'interface'), ':', get(values, 'dhcp'),
  );
}

/** preprocess_nfs: `nfsroot=server:root` in front of the kernel arguments. */
function kernelExtra(values: ConfigValues): PyValue {
  const nfsRoot = get(values, 'nfs_root');
  const extra = get(values, 'extra');
  if (!truthy(nfsRoot)) return extra;
  const server = get(values, 'nfs_server');
  if (!truthy(server)) throw new DomainConfigError('Must set nfs root and nfs server');
  return concat(concat('nfsroot=', server, ':', nfsRoot), ' ', extra);
}

interface Vscsi {
  pdev: string;
  vdev: string;
}

function preprocessVscsi(values: ConfigValues): Vscsi[] {
  const vscsi = get(values, 'vscsi');
  if (!truthy(vscsi)) return [];
  return items(vscsi).map((spec) => {
    const fields = asString(spec, 'split').split(',').map((f) => f.trim());
    if (fields.length === 2 && fields[1] !== 'host' && fields[1]!.split(':').length !== 4) {
      throw new DomainConfigError(`vscsi syntax error "${fields[1]}"`);
    }
    if (fields.length < 2 || fields.length > 3) throw new DomainConfigError(`vscsi syntax error "${pyStr(spec)}"`);
    return { pdev: fields[0]!, vdev: fields[1]! };
  });
}

const CPUID_INPUT = /^((?:0x)?[0-9A-Fa-f]+(?:,(?:0x)?[0-9A-Fa-f]+)?):(.*)/;
const CPUID_REGISTER = /^(eax|ebx|ecx|edx)=(.*)/;

/**
 * create.py's preprocess_cpuid: ["IN[,SIN]:eax=VAL,…", …] → {IN: {eax: VAL, …}},
 * which xm sent as a dict (an XML-RPC struct). Its quirks kept: an entry of
 * another form is skipped, the value stays the list until an entry matches, and
 * cpuid_check is processed only when cpuid is set.
 */
function preprocessCpuid(values: ConfigValues, name: 'cpuid' | 'cpuid_check'): PyValue {
  const given = get(values, name);
  if (!truthy(get(values, 'cpuid'))) return given;
  const cpuid = new PyDict();
  let result = given;
  for (const spec of items(given)) {
    if (typeof spec !== 'string') throw new DomainConfigError('expected string or buffer');
    const m = CPUID_INPUT.exec(spec);
    if (!m) continue;
    const input = m[1]!;
    const regs = new PyDict();
    cpuid.set(input, regs);
    for (const reg of m[2]!.split(',')) {
      const r = CPUID_REGISTER.exec(reg);
      if (!r) throw new DomainConfigError("cpuid's syntax is (eax|ebx|ecx|edx)=value");
      const value = r[2]!;
      // xm's message ends in a newline, so its err() left a blank line.
      if (value.slice(0, 2) !== '0x' && value.length !== 32) throw new DomainConfigError(`cpuid: We should specify all the bits of the register ${r[1]!} for input ${input}\n`);
      regs.set(r[1]!, value);
    }
    result = cpuid;
  }
  return result;
}

/** xmlrpclib's dump_struct: string keys only, in the order Python 2 iterated the dict. */
function struct(dict: PyDict, value: (v: PyValue) => Sxp): Sxp {
  const byKey = new Map<string, PyValue>();
  for (const [k, v] of dict.items()) {
    if (typeof k !== 'string') throw new DomainConfigError('dictionary key must be string');
    byKey.set(k, v);
  }
  return Object.fromEntries(new Py2KeyOrder(byKey.keys()).keys().map((k) => [k, value(byKey.get(k)!)])) as unknown as Sxp;
}

function preprocessAccessControl(values: ConfigValues): { policy: string; label: string } | null {
  const entries = items(get(values, 'access_control'));
  if (entries.length === 0) return null;
  if (entries.length > 1) throw new DomainConfigError('Multiple access_control definitions.');
  const spec = entries[0]!;
  const m = /^policy=(.*),label=(.*)/.exec(asString(spec, 'match'));
  if (!m) throw new DomainConfigError(`Invalid access_control specifier: ${pyStr(spec)}`);
  return { policy: m[1]!, label: m[2]! };
}

// ---------------------------------------------------------------- PCI (xen.util.pci)

const AUTO_PHP_SLOT = 0x100;
const AUTO_FUNC = 1;
const MANUAL_FUNC = 2;
const PCI_NAME =
  /^(?:(?<domain>[0-9a-fA-F]{1,4})[:,])?(?<bus>[0-9a-fA-F]{1,2})[:,](?<slot>[0-9a-fA-F]{1,2})[.,](?<func>\*|[0-7](?:[,-=][0-7])*)(?:@(?<vdevfn>[01]?[0-9a-fA-F]))?(?:,(?<opts>.*))?$/;

type PciFunction = [physical: number, virtual: number, kind: number];


function parseFunction(text: string): PciFunction {
  const parts = text.split('=');
  if (parts.length > 2) throw new DomainConfigError(`Invalid function: ${text}`);
  const p = Number(parseIntBase(parts[0]!, 16));
  if (p < 0 || p > 7) throw new DomainConfigError(`Invalid physical function in: ${text}`);
  if (parts.length === 1) return [p, p, AUTO_FUNC];
  const v = Number(parseIntBase(parts[1]!, 16));
  if (v < 0 || v > 7) throw new DomainConfigError(`Invalid virtual function in: ${text}`);
  return [p, v, MANUAL_FUNC];
}

function functionRange(start: number, end: number): number[] {
  const lo = Math.min(start, end);
  const range = Array.from({ length: Math.abs(end - start) + 1 }, (_, i) => lo + i);
  return end < start ? range.reverse() : range;
}

/** One comma-separated piece of the function field: `f`, `p=v`, or a range `a-b`. */
function functionList(text: string): PciFunction[] {
  // `*` means every function the host has; a simulated host has no PCI devices.
  if (text === '*') return [];
  const ends = text.split('-').map(parseFunction);
  if (ends.length === 1) return ends;
  if (ends.length !== 2) return [];
  const [a, b] = ends as [PciFunction, PciFunction];
  const physical = functionRange(a[0], b[0]);
  const virtual = functionRange(a[1], b[1]);
  if (physical.length !== virtual.length) throw new DomainConfigError(`Invalid range in: ${text}`);
  return physical.map((p, i) => [p, virtual[i]!, MANUAL_FUNC]);
}

/** xen.util.pci.parse_pci_name_extended + pci_dict_to_tuple, as PyValues for the SXP. */
function parsePci(spec: PyValue): PyTuple[] {
  const name = asString(spec, 'match');
  const m = PCI_NAME.exec(name);
  if (!m) throw new DomainConfigError(`Failed to parse pci device: ${name}`);
  const g = m.groups!;
  const opts = (g.opts ?? '')
    .split(',')
    .filter((x) => x !== '')
    .map((x) => x.split('='));
  for (const kv of opts) {
    if (kv.length !== 2) throw new DomainConfigError(kv.length > 2 ? 'too many values to unpack' : 'need more than 1 value to unpack');
    const [k, val] = kv as [string, string];
    if (!['msitranslate', 'power_mgmt'].includes(k) || !['0', '1', 'yes', 'no'].includes(val.toLowerCase())) {
      throw new DomainConfigError(`Invalid pci option ${k}=${val}: `);
    }
  }
  let functions = g.func!.split(',').flatMap(functionList);
  const physical = functions.map((f) => f[0]);
  const virtual = functions.map((f) => f[1]);
  if (new Set(physical).size !== physical.length || new Set(virtual).size !== virtual.length) {
    throw new DomainConfigError(`Duplicate functions: ${name}`);
  }
  if (functions.length === 0) return [];
  if (!functions.some((f) => f[1] === 0)) {
    const auto = functions.filter((f) => f[2] === AUTO_FUNC).sort((x, y) => x[1] - y[1]);
    if (auto.length === 0) throw new DomainConfigError(`Virtual device does not include virtual function 0: ${name}`);
    auto[0] = [auto[0]![0], 0, AUTO_FUNC];
    functions = [...auto, ...functions.filter((f) => f[2] === MANUAL_FUNC)];
  }
  // Virtual function 0 last: it is the one that signals changes to the guest.
  functions.sort((x, y) => (y[1] & 7) - (x[1] & 7));
  const domain = hex0x(g.domain ? parseInt(g.domain, 16) : 0, 4);
  return functions.map(([pfunc, vfunc]) => {
    const slot = g.vdevfn === undefined ? AUTO_PHP_SLOT : (parseInt(g.vdevfn, 16) & 0x1f) << 3;
    const vdevfn = hex0x(slot | (vfunc & 7), 2);
    const options = opts.map((kv) => [...kv] as PyValue);
    return new PyTuple([domain, hex0x(parseInt(g.bus!, 16), 2), hex0x(parseInt(g.slot!, 16), 2), hex0x(pfunc, 1), vdevfn, options, name]);
  });
}

/** xen.xend.XendSXPDev.dev_dict_to_sxp over pci_tuple_to_dict, keys in Python 2 dict order. */
function pciDeviceSxp(device: PyTuple): Sxp {
  const [domain, bus, slot, func, vdevfn, opts, key] = device.items as [string, string, string, string, string, PyValue[], string];
  const fields = new Map<string, Sxp>([
    ['domain', domain],
    ['bus', bus],
    ['slot', slot],
    ['func', func],
    ['vdevfn', vdevfn],
    ['key', key],
  ]);
  if (opts.length > 0) fields.set('opts', opts.map((o) => toSxp(o)));
  const order = new Py2KeyOrder(fields.keys());
  const entries = order.keys().flatMap((k): Sxp[] => (k === 'opts' ? (fields.get(k) as Sxp[]).map((o) => [k, o]) : [[k, fields.get(k)!]]));
  return ['dev', ...entries];
}

// ---------------------------------------------------------------- make_config

export interface MakeConfigOptions {
  /** DISPLAY, XAUTHORITY and HOME, for framebuffer devices. */
  readonly env?: Env;
  /** Directory a bare kernel/ramdisk/loader name is made absolute against (os.path.abspath). */
  readonly cwd?: string;
  /** `xm create -c`: the bootloader runs without `-q`. */
  readonly consoleAutoconnect?: boolean;
  /** Where `bootloader = "pygrub"` points. */
  readonly pygrubPath?: string;
  /** Receives complete warning lines ("Warning: …"). */
  readonly warn?: (line: string) => void;
}

const TOP_LEVEL_KEYS = [
  'name', 'memory', 'maxmem', 'shadow_memory', 'restart', 'on_poweroff', 'tsc_mode', 'nomigrate', 'on_reboot',
  'on_crash', 'features', 'on_xend_start', 'on_xend_stop', 'target', 'cpuid', 'cpuid_check',
  'machine_address_size', 'suppress_spurious_page_faults', 'description',
];

const HVM_KEYS = [
  'acpi', 'apic', 'boot', 'cpuid', 'cpuid_check', 'device_model', 'display', 'fda', 'fdb', 'gfx_passthru',
  'guest_os_type', 'hap', 'hpet', 'isa', 'keymap', 'localtime', 'nestedhvm', 'nographic', 'opengl', 'oos', 'pae',
  'pci', 'pci_msitranslate', 'pci_power_mgmt', 'rtc_timeoffset', 'sdl', 'soundhw', 'stdvga', 'timer_mode', 'usb',
  'usbdevice', 'vcpus', 'vnc', 'vncconsole', 'vncdisplay', 'vnclisten', 'vncunused', 'viridian', 'vpt_align',
  'xauthority', 'xen_extended_power_mgmt', 'xen_platform_pci', 'memory_sharing',
];

const VIF_KEYS = ['backend', 'bridge', 'ip', 'mac', 'script', 'type', 'vifname', 'rate', 'model', 'accel', 'policy', 'label'];
const VIF2_KEYS = ['front_mac', 'back_mac', 'backend', 'trusted', 'back_trusted', 'front_filter_mac', 'filter_mac', 'bridge', 'pdev', 'max_bypasses'];
const VFB_KEYS = ['vnclisten', 'vncunused', 'vncdisplay', 'display', 'videoram', 'xauthority', 'sdl', 'vnc', 'vncpasswd', 'opengl', 'keymap', 'serial', 'monitor'];

const DEFAULT_PYGRUB = '/usr/lib/xen/bin/pygrub';
/** XSM's active policy when no security module is loaded (xsm dummy). */
const ACTIVE_SECURITY_POLICY = '';

/**
 * create.py's preprocess() and make_config(): the `(vm …)` SXP for the values.
 * The values are not modified.
 * @throws DomainConfigError with xm's message.
 */
export function makeConfig(values: ConfigValues, options: MakeConfigOptions = {}): Sxp {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // preprocess(), in create.py's order (which decides which error is reported first).
  const disks = preprocessDisks(values);
  const pci = items(get(values, 'pci')).flatMap(parsePci);
  const vscsi = preprocessVscsi(values);
  const ioports = preprocessIoports(values);
  const cmdlineIp = kernelIp(values);
  const irqs = items(get(values, 'irq')).map(pyRepr);
  const extra = kernelExtra(values);
  const accessControl = preprocessAccessControl(values);
  // preprocess_cpuid replaced the two values by the dicts it made.
  const vals: ConfigValues = new Map(values);
  for (const name of ['cpuid', 'cpuid_check'] as const) vals.set(name, preprocessCpuid(values, name));

  const config: Sxp[] = ['vm'];
  for (const key of TOP_LEVEL_KEYS) {
    if (vals.has(key) && truthy(get(vals, key))) config.push([key, toSxp(get(vals, key))]);
  }
  config.push(...vcpuEntries(values));
  for (const key of ['uuid', 'cpu', 'cpus', 'cpu_cap', 'cpu_weight']) {
    if (get(values, key) !== null) config.push([key, toSxp(get(values, key))]);
  }
  if (truthy(get(values, 'blkif'))) config.push(['backend', ['blkif']]);
  if (truthy(get(values, 'netif'))) config.push(['backend', ['netif']]);
  for (const key of ['localtime', 'oos']) if (truthy(get(values, key))) config.push([key, toSxp(get(values, key))]);
  if (truthy(get(values, 'pool'))) config.push(['pool_name', toSxp(get(values, 'pool'))]);

  const image = imageSxp(vals, { cmdlineIp, extra, pci, cwd });
  const bootloader = get(values, 'bootloader');
  if (truthy(bootloader)) {
    config.push(['bootloader', bootloader === 'pygrub' ? (options.pygrubPath ?? DEFAULT_PYGRUB) : toSxp(bootloader)]);
    const bootargs = get(values, 'bootargs');
    config.push(['bootloader_args', truthy(bootargs) ? toSxp(bootargs) : options.consoleAutoconnect ? '' : '-q']);
  }
  config.push(['image', image]);
  config.push(['s3_integrity', toSxp(get(values, 's3_integrity'))]);

  const devices: Sxp[] = [];
  for (const d of disks) {
    const cls = d.uname.startsWith('tap2:') ? 'tap2' : d.uname.startsWith('tap:') ? 'tap' : 'vbd';
    const vbd: Sxp[] = [cls, ['uname', d.uname], ['dev', d.dev], ['mode', d.mode]];
    if (d.backend) vbd.push(['backend', d.backend]);
    if (d.protocol) vbd.push(['protocol', d.protocol]);
    devices.push(['device', vbd]);
  }
  if (pci.length > 0) devices.push(['device', ['pci', ...pci.map(pciDeviceSxp)]]);
  // The simulated host has no SCSI devices for vscsi_util to find.
  for (const s of vscsi) throw new DomainConfigError(`Cannot find device "${s.pdev}"`);
  for (const spec of items(get(values, 'vusb'))) devices.push(['device', vusbSxp(spec)]);
  for (const [from, to] of ioports) devices.push(['device', ['ioports', ['from', from], ['to', to]]]);
  for (const irq of irqs) devices.push(['device', ['irq', ['irq', irq]]]);
  devices.push(...vifDevices(values, options.warn ?? (() => {})));
  for (const spec of items(get(values, 'vfb'))) devices.push(['device', ['vkbd']], ['device', vfbSxp(spec, values, env)]);
  if (accessControl) {
    if (accessControl.policy !== ACTIVE_SECURITY_POLICY) {
      throw new DomainConfigError(`Security policy (${accessControl.policy}) incompatible with enforced policy (${ACTIVE_SECURITY_POLICY}).`);
    }
    config.push(['security', [['access_control', ['policy', accessControl.policy], ['label', accessControl.label]]]]);
  }
  const built = [...config, ...devices];
  // Caught here with its key named, rather than as the transport's encoding error.
  const bad = findBadString(built, notXml);
  if (bad) throw new DomainConfigError(`Invalid configuration: the value of ${shownKey(bad.key)} ${bad.problem}`);
  return built;
}

/** vcpus, and with maxvcpus (honoured although undeclared) the vcpu_avail bitmap. */
function vcpuEntries(values: ConfigValues): Sxp[] {
  const maxvcpus = get(values, 'maxvcpus');
  const vcpus = get(values, 'vcpus');
  // Before the vcpu_avail bitmap is made: 1 << 10**9 alone would take 125 MB.
  for (const n of [vcpus, maxvcpus]) {
    if (typeof n === 'bigint' && n > MAX_VIRT_CPUS) throw new DomainConfigError(`Invalid configuration: ${n} VCPUs is more than Xen's maximum of ${MAX_VIRT_CPUS}`);
  }
  if (!truthy(maxvcpus)) return truthy(vcpus) ? [['vcpus', toSxp(vcpus)]] : [];
  if (!truthy(vcpus)) return [['vcpus', toSxp(maxvcpus)]];
  if (typeof vcpus !== 'bigint' && typeof vcpus !== 'boolean') {
    throw new DomainConfigError(`unsupported operand type(s) for <<: 'int' and '${typeName(vcpus)}'`);
  }
  const avail = (1n << BigInt(vcpus)) - 1n;
  return [['vcpu_avail', toSxp(avail)], ['vcpus', toSxp(maxvcpus)]];
}

/**
 * A kernel, ramdisk or loader path as create.py records it: kept when it has a
 * directory part (or is the bare `hvmloader`), made absolute otherwise.
 * Whether the file exists is checkImagePaths' business.
 */
function imagePath(value: PyValue, cwd: string, keepBare: boolean): string {
  const path = asString(value, 'rfind');
  return keepBare || pathDirname(path) !== '' ? path : posix.resolve(cwd, path);
}

function imageSxp(values: ConfigValues, pre: { cmdlineIp: string; extra: PyValue; pci: PyTuple[]; cwd: string }): Sxp {
  const builder = get(values, 'builder');
  if (!truthy(builder)) return null;
  const image: Sxp[] = [toSxp(builder)];
  const value = (key: string) => get(values, key);
  const add = (key: string, v: PyValue = value(key)) => {
    if (truthy(v)) image.push([key, toSxp(v)]);
  };
  const hasBootloader = truthy(value('bootloader'));
  if (truthy(value('kernel'))) image.push(['kernel', imagePath(value('kernel'), pre.cwd, hasBootloader || value('kernel') === 'hvmloader')]);
  if (truthy(value('ramdisk'))) image.push(['ramdisk', imagePath(value('ramdisk'), pre.cwd, hasBootloader)]);
  if (truthy(value('loader'))) image.push(['loader', imagePath(value('loader'), pre.cwd, value('loader') === 'hvmloader')]);
  if (pre.cmdlineIp) image.push(['ip', toSxp(stripPrefix('ip=', pre.cmdlineIp))]);
  if (truthy(value('root'))) image.push(['root', toSxp(stripPrefix('root=', value('root')))]);
  add('videoram');
  add('parallel');
  add('serial');
  if (truthy(value('monitor_path'))) image.push(['monitor_path', toSxp(value('monitor_path'))], ['monitor', 1]);
  else add('monitor');
  add('args', pre.extra);
  add('superpages');
  if (value('builder') === 'hvm') {
    for (const key of HVM_KEYS) {
      const v = key === 'pci' ? pre.pci : value(key);
      if (values.has(key) && v !== null) image.push([key, toSxp(v)]);
    }
    if (value('vncpasswd') !== null) image.push(['vncpasswd', toSxp(value('vncpasswd'))]);
  }
  if (!pyEquals(value('vhpt'), 0n)) image.push(['vhpt', toSxp(value('vhpt'))]);
  add('machine_address_size');
  add('suppress_spurious_page_faults');
  for (const key of ['tsc_mode', 'nomigrate']) if (value(key) !== null) image.push([key, toSxp(value(key))]);
  return image;
}

/** Warnings for the deprecated nics option, and the vif/vif2 devices (nics pads with default vifs). */
function vifDevices(values: ConfigValues, warn: (line: string) => void): Sxp[] {
  const vifs = items(get(values, 'vif'));
  const nics = get(values, 'nics');
  if (typeof nics === 'bigint' && nics > 0n) {
    warn("Warning: The nics option is deprecated.  Please use an empty vif entry instead:\n\n  vif = [ '' ]\n");
    for (let i = vifs.length; i < Number(nics); i++) vifs.push('');
  } else if (nics === 0n) {
    warn('Warning: The nics option is deprecated.  Please remove it.');
  }
  const device = (cls: string, spec: PyValue, allowed: readonly string[]): Sxp => {
    const entries = new KeyValues(spec).entries();
    for (const [k] of entries) if (!allowed.includes(k)) throw new DomainConfigError(`Invalid ${cls} option: ${k}`);
    return ['device', [cls, ...entries]];
  };
  return [
    ...vifs.map((spec) => device('vif', spec, VIF_KEYS)),
    ...items(get(values, 'vif2')).map((spec) => device('vif2', spec, VIF2_KEYS)),
  ];
}

function vfbSxp(spec: PyValue, values: ConfigValues, env: Env): Sxp {
  const d = new KeyValues(spec);
  // The legacy form type=vnc|sdl means vnc=1 / sdl=1.
  const legacyType = d.values.get('type');
  if (legacyType !== undefined) {
    d.set(legacyType, '1');
    d.delete('type');
  }
  const config: Sxp[] = ['vfb'];
  for (const [k, val] of d.entries()) {
    if (!VFB_KEYS.includes(k)) throw new DomainConfigError(`configuration option ${k} unknown to vfbs`);
    config.push([k, val]);
  }
  if (!d.values.has('keymap') && truthy(get(values, 'keymap'))) config.push(['keymap', toSxp(get(values, 'keymap'))]);
  if (!d.values.has('display') && env.DISPLAY !== undefined) config.push(['display', env.DISPLAY]);
  if (!d.values.has('xauthority')) config.push(['xauthority', xauthority(env)]);
  return config;
}

function vusbSxp(spec: PyValue): Sxp {
  const d = new KeyValues(spec).values;
  const usbver = d.has('usbver') ? parseIntBase(d.get('usbver')!, 10) : 2n;
  if (usbver !== 1n && usbver !== 2n) throw new DomainConfigError('Invalid vusb option: usbver');
  const numports = d.get('numports') ?? '8';
  const ports = parseIntBase(numports, 10);
  if (ports < 1n || ports > 16n) throw new DomainConfigError('Invalid vusb option: numports');
  const portList: Sxp[] = ['port'];
  for (let i = 1; i <= Number(ports); i++) portList.push([String(i), d.get(`port_${i}`) ?? '']);
  return ['vusb', ['usb-ver', String(usbver)], ['num-ports', numports], portList];
}

// ---------------------------------------------------------------- image files

/**
 * configure_image()'s existence checks, which xm makes even for --dryrun:
 * the error message when the kernel, ramdisk or loader cannot be found, else null.
 * A bootloader fetches kernel and ramdisk from the guest's disk, so they are not checked then.
 */
export function checkImagePaths(values: ConfigValues, exists: (path: string) => boolean, cwd: string = process.cwd()): string | null {
  if (!truthy(get(values, 'builder'))) return null;
  const hasBootloader = truthy(get(values, 'bootloader'));
  const found = (value: PyValue, bareName: string | null) => {
    const path = pyStr(value);
    if (path === bareName) return true;
    if (pathDirname(path) !== '' && exists(path)) return true;
    return exists(posix.resolve(cwd, path));
  };
  const checks: [key: string, what: string, bareName: string | null, skip: boolean][] = [
    ['kernel', 'kernel', 'hvmloader', hasBootloader],
    ['ramdisk', 'ramdisk', null, hasBootloader],
    ['loader', 'loader', 'hvmloader', false],
  ];
  for (const [key, what, bareName, skip] of checks) {
    const value = get(values, key);
    if (truthy(value) && !skip && !found(value, bareName)) return `Cannot find ${what} "${pyStr(value)}"`;
  }
  return null;
}

