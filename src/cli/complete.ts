/**
 * Tab completion for bash and zsh: `xm __complete [<cword>] <word>…`.
 *
 * Protocol (version 1; the scripts in completions/ are its only intended callers)
 * ---------------------------------------------------------------------------
 * Arguments: the words of the command line after `xm` itself, as the shell split
 * them (with `--opt=value` and `a:b` rejoined into one word), preceded by
 * `<cword>`, the 0-based index among those words of the word being completed.
 * `<cword>` may equal the number of words (completing a new, empty word); the word
 * at `<cword>` is the text before the cursor; words after it are ignored. Without
 * a leading all-digits argument the last word is the one being completed (so a
 * caller whose first word may be a number must pass `<cword>`).
 *
 *     xm __complete 1 pause gu        →  candidates for `xm pause gu<TAB>`
 *     xm __complete 0 ''              →  every subcommand
 *
 * Output on stdout, one line each, nothing else:
 *   - a candidate: `<value>` or `<value><TAB><description>`. Values are whole
 *     replacements for the word being completed (`--state=running` for
 *     `--state=ru`), already filtered by what was typed, never empty and never
 *     containing a tab or newline. A value ending in `=` wants no space after it.
 *   - a directive: a line starting with a tab (an empty value), `<TAB><name>` or
 *     `<TAB><name><TAB><prefix>`: `files` (the shell completes file names) or
 *     `dirs` (directory names) for the part of the word after `<prefix>` (e.g.
 *     `--path=`). Unknown directives are to be ignored.
 * The exit status is always 0. Nothing is ever written to stderr: when xend is
 * down, slow or refuses, domain arguments simply get no candidates.
 *
 * Cost: no command handler is loaded (`spec.load()` is never called) and xend is
 * asked at most once (`xend.domains_with_state`), with a TIMEOUT_MS budget.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { COMMANDS, GLOBAL_OPTIONS, findCommand } from './registry.js';
import { xendPaths } from '../config/paths.js';
import { decodeDomain, hasState, isRunning } from '../protocol/domain.js';
import { XEND } from '../protocol/methods.js';
import { openTransport } from '../transport/open.js';
import type { Io } from './main.js';
import { arity, type ArgSpec, type CommandSpec, type DomainFilter, type OptionSpec } from './spec.js';
import { findLong, findShort } from './getopt.js';
import { CRASH_ACTIONS, RESTART_ACTIONS, XEND_START_ACTIONS, XEND_STOP_ACTIONS } from '../config/domain-limits.js';
import type { Sxp } from '../sxp/types.js';

/** The whole budget for asking xend: a tab press must never feel stuck. */
export const TIMEOUT_MS = 300;

export interface Candidate {
  value: string;
  desc?: string;
}

export interface Directive {
  kind: 'files' | 'dirs';
  /** The leading part of the word that is not part of the file name (`--path=`, `kernel=`). */
  prefix: string;
}

export interface Completion {
  candidates: Candidate[];
  directive?: Directive;
}

/** What completion needs to know about one domain. */
export interface DomainInfo {
  name: string;
  domid: number | null;
  /** The six state letters of `xm list` (`-b----`), `''` when not running. */
  state: string;
}

/** Where completion gets what it does not know itself (replaced by fakes in unit tests). */
export interface CompletionSources {
  /** The domains xend knows (one round trip); may reject, which means "none". */
  domains(serverUri: string | undefined): Promise<DomainInfo[]>;
  /** Plain file names in a directory; [] when it cannot be read. */
  files(dir: string): string[];
  /** Where `xm create` looks for config files after `.` when no --path is given. */
  configDir: string;
}

/** Accepted by main() before any subcommand (src/cli/main.ts) though not in the registry. */
const TOP_OPTIONS: readonly OptionSpec[] = [
  { short: 'h', long: 'help', desc: 'Display the list of subcommands' },
  { short: 'V', long: 'version', desc: 'Print the version of xm' },
];
/** Every command takes -h/--help (main.ts prints its usage). */
const HELP_OPTION: OptionSpec = { short: 'h', long: 'help', desc: 'Print the usage of this command' };

/** Whether a domain in this state is one the argument accepts (running, paused, active: see spec.ts). */
export function acceptsDomain(filter: DomainFilter, d: DomainInfo): boolean {
  switch (filter) {
    case 'any':
      return true;
    case 'active':
      return d.domid !== null;
    case 'running':
      return isRunning(d.state);
    case 'paused':
      return hasState(d.state, 'paused');
  }
}

/** The first sentence of a help text, on one line (zsh shows it beside the candidate). */
function brief(text: string): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const stop = one.search(/\.(\s|$)/);
  return stop < 0 ? one : one.slice(0, stop);
}

const candidate = (value: string, desc?: string): Candidate => (desc ? { value, desc: brief(desc) } : { value });

function byPrefix(cur: string, list: Candidate[]): Completion {
  return { candidates: list.filter((c) => c.value.startsWith(cur)) };
}

/** `-s` and `--long` for each option, filtered by what was typed (`--` offers long names only). */
function optionCandidates(cur: string, options: readonly OptionSpec[]): Completion {
  const out: Candidate[] = [];
  for (const o of options) {
    if (o.short) out.push(candidate(`-${o.short}`, o.desc));
    out.push(candidate(`--${o.long}`, o.desc));
  }
  const seen = new Set<string>();
  return byPrefix(cur, out.filter((c) => !seen.has(c.value) && seen.add(c.value)));
}

/** The option a `--name` means as getopt takes it; none for one getopt would refuse. */
function longOption(name: string, options: readonly OptionSpec[]): OptionSpec | undefined {
  try {
    return findLong(name, options);
  } catch {
    return undefined;
  }
}

/** An option's value by its type: its fixed choices, domains, file or directory names; nothing for free text (URI, SECONDS). */
async function optionValue(o: OptionSpec, prefix: string, cur: string, server: string | undefined, src: CompletionSources): Promise<Completion> {
  switch (o.type) {
    case 'choice':
      return byPrefix(prefix + cur, (o.choices ?? []).map((c) => candidate(prefix + c)));
    case 'domain':
      return domainCandidates({ filter: o.domains ?? 'any', guestOnly: false, taken: new Set(), prefix }, prefix + cur, server, src);
    case 'file':
      return { candidates: [], directive: { kind: 'files', prefix } };
    case 'dirs':
      return { candidates: [], directive: { kind: 'dirs', prefix } };
    default:
      return { candidates: [] };
  }
}

// ---------------------------------------------------------------- xm create specifics

/**
 * `xm create`'s bare words are config files searched in `--path` (default
 * `.:<configDir>`); VAR=VAL words set config variables. These are create.py's
 * rules, which the registry does not describe.
 */
const CREATE_VAR_CHOICES: Readonly<Record<string, readonly string[]>> = {
  on_poweroff: RESTART_ACTIONS,
  on_reboot: RESTART_ACTIONS,
  on_crash: CRASH_ACTIONS,
  on_xend_start: XEND_START_ACTIONS,
  on_xend_stop: XEND_STOP_ACTIONS,
  restart: ['onreboot', 'always', 'never'],
  builder: ['linux', 'hvm'],
};
const VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VAR_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
const CREATE_FILE_VARS = new Set(['kernel', 'ramdisk', 'loader', 'bootloader', 'device_model']);
/** Files in /etc/xen that are not domain configs. */
const NOT_A_DOMAIN_CONFIG = /^\.|\.(sxp|xml|conf|bak|orig|rpmnew|rpmsave|dpkg-\w+)$|~$/;

async function createVariables(cur: string): Promise<Completion> {
  // The variable table lives with the config evaluator; load it only for this case.
  const { CONFIG_VARIABLES } = await import('../config/domain-config.js');
  const eq = cur.indexOf('=');
  if (eq > 0) {
    const name = cur.slice(0, eq);
    const variable = CONFIG_VARIABLES.find((v) => v.name === name);
    const prefix = cur.slice(0, eq + 1);
    if (CREATE_FILE_VARS.has(name)) return { candidates: [], directive: { kind: 'files', prefix } };
    const choices = CREATE_VAR_CHOICES[name] ?? (variable?.kind === 'bool' ? ['yes', 'no'] : []);
    return byPrefix(cur, choices.map((c) => candidate(prefix + c)));
  }
  return byPrefix(cur, CONFIG_VARIABLES.map((v) => candidate(`${v.name}=`, `config variable (${v.kind})`)));
}

function createConfigFiles(cur: string, searchPath: string | undefined, src: CompletionSources): Candidate[] {
  if (cur.includes('/')) return [];
  const dirs = (searchPath ?? `.:${src.configDir}`).split(':').filter((d) => d && d !== '.');
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const dir of dirs) {
    for (const f of src.files(dir)) {
      // The first directory with the name wins, as in create.py's search.
      if (f.startsWith(cur) && !NOT_A_DOMAIN_CONFIG.test(f) && !seen.has(f)) out.push(candidate(f, `config file in ${dir}`));
      seen.add(f);
    }
  }
  return out;
}

/** The config file first (searched as create.py searches), VAR=VAL words after it. */
async function completeCreate(cur: string, n: number, searchPath: string | undefined, src: CompletionSources): Promise<Completion> {
  if (VAR_ASSIGNMENT.test(cur)) return createVariables(cur);
  const out: Completion = { candidates: [] };
  if (n === 0 || cur) {
    out.candidates.push(...createConfigFiles(cur, searchPath, src));
    out.directive = { kind: 'files', prefix: '' };
  }
  if (n > 0 || VAR_NAME.test(cur)) out.candidates.push(...(await createVariables(cur)).candidates);
  return out;
}

// ---------------------------------------------------------------- the engine

/** What the words before the cursor say about the command being typed. */
interface Scan {
  positionals: string[];
  /** An option whose value is the word being completed. */
  pending?: OptionSpec;
  /** `--` seen: everything after it is an argument. */
  dashdash: boolean;
  opts: Map<string, string>;
}

function scan(words: readonly string[], options: readonly OptionSpec[]): Scan {
  const s: Scan = { positionals: [], dashdash: false, opts: new Map() };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const last = i === words.length - 1;
    if (s.dashdash || w === '-' || !w.startsWith('-')) {
      s.positionals.push(w);
    } else if (w === '--') {
      s.dashdash = true;
    } else if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      const o = longOption(w.slice(2, eq < 0 ? undefined : eq), options);
      // An optional value (`--replay[=N]`) is only ever attached with `=`.
      if (!o?.arg || (o.optionalArg && eq < 0)) continue;
      if (eq >= 0) s.opts.set(o.long, w.slice(eq + 1));
      else if (last) s.pending = o;
      else s.opts.set(o.long, words[++i]!);
    } else {
      for (let j = 1; j < w.length; j++) {
        const o = findShort(w[j]!, options);
        if (!o?.arg) continue;
        if (j + 1 < w.length) s.opts.set(o.long, w.slice(j + 1));
        else if (last) s.pending = o;
        else s.opts.set(o.long, words[++i]!);
        break;
      }
    }
  }
  return s;
}

/**
 * The completions of `words[cword]` (the text before the cursor), given the words
 * before it. Pure apart from what `src` provides.
 */
export async function completeWords(words: readonly string[], cword: number, src: CompletionSources): Promise<Completion> {
  const cur = words[cword] ?? '';
  const before = words.slice(0, cword);

  // Leading global options (--json, --server URI), as main() accepts them.
  let server: string | undefined;
  let i = 0;
  for (; i < before.length; i++) {
    const w = before[i]!;
    if (w === '--json') continue;
    if (w.startsWith('--server=')) server = w.slice('--server='.length);
    else if (w === '--server') {
      if (i + 1 === before.length) return { candidates: [] }; // completing the URI
      server = before[++i];
    } else break;
  }

  if (i === before.length) {
    if (cur.startsWith('-')) return optionCandidates(cur, [...GLOBAL_OPTIONS, ...TOP_OPTIONS]);
    // Deprecated aliases still work when typed, but are not offered.
    const names: Candidate[] = COMMANDS.map((c) => candidate(c.name, c.help));
    names.splice(names.findIndex((c) => c.value === 'list'), 0, candidate('help', 'Display the full list of subcommands'));
    return byPrefix(cur, names);
  }

  const word = before[i]!;
  if (word === 'help') return i + 1 === cword ? byPrefix(cur, COMMANDS.map((c) => candidate(c.name, c.help))) : { candidates: [] };
  const spec = findCommand(word)?.spec;
  if (!spec) return { candidates: [] };
  return completeCommand(spec, before.slice(i + 1), cur, server, src);
}

async function completeCommand(spec: CommandSpec, before: readonly string[], cur: string, server: string | undefined, src: CompletionSources): Promise<Completion> {
  const options = [...spec.options, ...GLOBAL_OPTIONS, HELP_OPTION];
  const s = scan(before, options);
  server = s.opts.get('server') ?? server;
  if (s.pending) return optionValue(s.pending, '', cur, server, src);

  if (!s.dashdash && cur.startsWith('-')) {
    if (cur.startsWith('--') && cur.includes('=')) {
      const eq = cur.indexOf('=');
      const o = longOption(cur.slice(2, eq), options);
      return o?.arg ? optionValue(o, cur.slice(0, eq + 1), cur.slice(eq + 1), server, src) : { candidates: [] };
    }
    if (!cur.startsWith('--') && cur.length > 2) {
      const o = findShort(cur[1]!, options);
      if (o?.arg) return optionValue(o, cur.slice(0, 2), cur.slice(2), server, src);
    }
    return optionCandidates(cur, options.filter((o) => !o.hidden || GLOBAL_OPTIONS.includes(o)));
  }

  const n = s.positionals.length;
  if (!spec.args.length || n >= arity(spec).max) return { candidates: [] };
  if (spec.name === 'create') return completeCreate(cur, n, s.opts.get('path'), src);
  const arg: ArgSpec = spec.args[Math.min(n, spec.args.length - 1)]!;

  switch (arg.kind) {
    case 'file':
      return { candidates: [], directive: { kind: 'files', prefix: '' } };
    case 'value':
      return arg.choices ? byPrefix(cur, arg.choices.map((c) => candidate(c))) : { candidates: [] };
    case 'domain':
      return domainCandidates({ filter: arg.domains ?? 'any', guestOnly: arg.guestOnly === true, taken: new Set(s.positionals), prefix: '' }, cur, server, src);
  }
}

/** The domains a domain argument or option value accepts, as `prefix` + name; none when xend does not answer. */
async function domainCandidates(
  want: { filter: DomainFilter; guestOnly: boolean; taken: ReadonlySet<string>; prefix: string },
  cur: string,
  server: string | undefined,
  src: CompletionSources,
): Promise<Completion> {
  let domains: DomainInfo[];
  try {
    domains = await src.domains(server);
  } catch {
    return { candidates: [] };
  }
  return byPrefix(
    cur,
    domains
      .filter((d) => acceptsDomain(want.filter, d) && !want.taken.has(d.name) && !(want.guestOnly && d.domid === 0))
      .map((d) => candidate(want.prefix + d.name, d.domid === null ? 'not running' : `id ${d.domid} ${d.state}`)),
  );
}

// ---------------------------------------------------------------- the live sources

/** xend's domains, asked once with a short deadline, over whichever transport xm would use. */
async function liveDomains(server: string | undefined, env: NodeJS.ProcessEnv): Promise<DomainInfo[]> {
  const transport = openTransport(server, env, () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('xend too slow')), TIMEOUT_MS + 50);
    });
    const reply = await Promise.race([transport.call(XEND.domains_with_state.name, [true, 'all', 0], { timeoutMs: TIMEOUT_MS }), deadline]);
    if (!Array.isArray(reply)) return [];
    return reply.map((sxp) => {
      const d = decodeDomain(sxp as Sxp);
      return { name: d.name, domid: d.domid, state: d.state };
    });
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

function plainFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() || (e.isSymbolicLink() && isFile(join(dir, e.name))))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The protocol's text: candidates, then the directive if any. */
export function formatCompletion(c: Completion): string {
  const clean = (t: string) => t.replace(/[\t\r\n]+/g, ' ');
  let out = '';
  for (const { value, desc } of c.candidates) {
    if (!value || /[\t\r\n]/.test(value)) continue;
    out += desc ? `${value}\t${clean(desc)}\n` : `${value}\n`;
  }
  if (c.directive) out += `\t${c.directive.kind}${c.directive.prefix ? `\t${clean(c.directive.prefix)}` : ''}\n`;
  return out;
}

/** `xm __complete [<cword>] <word>…` (see the top of this file). Always 0, never stderr. */
export async function complete(argv: readonly string[], io: Io): Promise<number> {
  try {
    let words = [...argv];
    let cword = words.length - 1;
    if (words.length && /^\d+$/.test(words[0]!)) {
      cword = Number(words.shift());
    }
    if (cword < 0 || cword === words.length) {
      words = [...words, ''];
      cword = words.length - 1;
    }
    if (cword >= words.length) return 0;
    const sources: CompletionSources = {
      domains: (server) => liveDomains(server, io.env),
      files: plainFiles,
      configDir: xendPaths(io.env).configDir,
    };
    io.stdout(formatCompletion(await completeWords(words, cword, sources)));
  } catch {
    // A completion that fails offers nothing; a shell prompt is no place for errors.
  }
  return 0;
}
