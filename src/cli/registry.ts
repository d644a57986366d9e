import type { CommandSpec, OptionSpec } from './spec.js';
import type { ValueType } from './values.js';

const json: OptionSpec = { long: 'json', desc: 'Print the result as JSON (see docs/json.md)', hidden: true };
const server: OptionSpec = { long: 'server', arg: 'URI', desc: 'Talk to xend at URI', hidden: true };
/** Options every command accepts; documented once in `xm help` and xm(1). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [json, server];

const dom = { name: 'Domain', kind: 'domain', domains: 'any', required: true } as const;
/** A domain argument xend refuses Domain-0 for (Cannot pause privileged domain 0, …): completion leaves it out. */
const guest = { ...dom, guestOnly: true } as const;
/** `[Domain, ...]`: none means all. */
const someDomains = { ...dom, required: false, variadic: true } as const;
const value = (name: string, type?: ValueType) => ({ name, kind: 'value', required: true, ...(type && { type }) }) as const;

/** `--timeout SECONDS` (not in xm): exit status 124 when it runs out. */
const timeout = (desc: string): OptionSpec => ({ long: 'timeout', arg: 'SECONDS', type: 'timeout', desc });
const WAIT_TIMEOUT = timeout('With -w, give up after SECONDS (exit status 124; not in xm).');

/** create.py's options, which xm new shares (it parses its command line with create's). */
const CONFIG_OPTIONS: readonly OptionSpec[] = [
  { long: 'help_config', desc: 'Print the available configuration variables (vars) for the configuration script.' },
  { short: 'q', long: 'quiet', desc: 'Quiet.' },
  { long: 'path', arg: 'PATH', type: 'dirs', desc: 'Search path for configuration scripts. The value of PATH is a colon-separated directory list.' },
  { short: 'f', long: 'defconfig', arg: 'FILE', type: 'file', desc: 'Use the given Python configuration script.' },
  { short: 'F', long: 'config', arg: 'FILE', type: 'file', desc: 'Domain configuration to use (SXP).' },
  { short: 'n', long: 'dryrun', desc: 'Dry run - prints the resulting configuration in SXP but does not create the domain.' },
];
/** Bare words: the config file (the last one wins) and VAR=VAL settings. */
const configWords = { name: 'ConfigFile', kind: 'file', variadic: true } as const;

/** How to leave a console: every command that attaches one says it. */
const CONSOLE_NOTES =
  'Ctrl-] detaches and leaves the domain running; every other key, Ctrl-C and Ctrl-D included, goes to the guest. ' +
  'On a terminal xm says so when it attaches (Escape character is ^]) unless -q is given. ' +
  "The guest's output reaches the terminal as it is, escape sequences included, as with xenconsole: a guest can set the window title, " +
  'write to the clipboard (OSC 52) or make the terminal type answers to its queries. --safe, the default with --replay, drops those sequences.';

/**
 * The xm commands, in xm 4.4's help order. Usage argstrings and help lines are
 * xm's own (xm-reference §1); options beyond xm's are marked in their text.
 */
export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'console',
    group: 'domain',
    usage: '[-q|--quiet] <Domain>',
    help: "Attach to <Domain>'s console.",
    notes: CONSOLE_NOTES,
    options: [
      { short: 'q', long: 'quiet', desc: 'Do not print an error message if the domain does not exist' },
      { short: 'n', long: 'num', arg: 'N', desc: 'Console number (only 0, hvc0)' },
      { long: 'replay', arg: 'N', type: 'int', optionalArg: true, desc: 'First print the buffered output, or its last N lines (not in xm)' },
      { long: 'log', arg: 'FILE', type: 'file', desc: 'Also append the session output to FILE (not in xm)' },
      { long: 'read-only', desc: 'Watch without typing (not in xm)' },
      { long: 'force', desc: 'Take over the console from another writer (not in xm)' },
      { long: 'safe', desc: "Drop the guest's escape sequences that act on your terminal: titles, clipboard writes, queries it would answer (not in xm; the default with --replay)" },
    ],
    args: [{ ...guest, domains: 'running' }],
    load: () => import('./commands/console.js'),
  },
  {
    name: 'create',
    group: 'domain',
    usage: '<ConfigFile> [options] [vars]',
    help: 'Create a domain based on <ConfigFile>.',
    options: [
      ...CONFIG_OPTIONS,
      { short: 'p', long: 'paused', desc: 'Leave the domain paused after it is created.' },
      { short: 'c', long: 'console_autoconnect', desc: 'Connect to the console after the domain is created.' },
    ],
    args: [configWords],
    faultsWithoutUsage: true,
    load: () => import('./commands/create.js'),
  },
  {
    name: 'new',
    group: 'domain',
    usage: '<ConfigFile> [options] [vars]',
    help: 'Adds a domain to Xend domain management',
    options: CONFIG_OPTIONS,
    args: [configWords],
    faultsWithoutUsage: true,
    load: () => import('./commands/new.js'),
  },
  {
    name: 'delete',
    group: 'domain',
    usage: '<DomainName>',
    help: 'Remove a domain from Xend domain management.',
    options: [],
    args: [dom],
    load: () => import('./commands/delete.js'),
  },
  {
    name: 'destroy',
    group: 'domain',
    usage: '<Domain>',
    help: 'Terminate a domain immediately.',
    options: [],
    args: [{ ...guest, domains: 'active' }],
    load: () => import('./commands/destroy.js'),
  },
  {
    name: 'domid',
    group: 'domain',
    usage: '<DomainName>',
    help: 'Convert a domain name to domain id.',
    options: [],
    args: [dom],
    load: () => import('./commands/domid.js'),
  },
  {
    name: 'domname',
    group: 'domain',
    usage: '<DomId>',
    help: 'Convert a domain id to domain name.',
    options: [],
    args: [dom],
    load: () => import('./commands/domname.js'),
  },
  {
    name: 'dump-core',
    group: 'domain',
    usage: '[-L|--live] [-C|--crash] [-R|--reset] <Domain> [Filename]',
    help: 'Dump core for a specific domain.',
    options: [
      { short: 'L', long: 'live', desc: 'Dump core without pausing the domain' },
      { short: 'C', long: 'crash', desc: 'Crash domain after dumping core' },
      { short: 'R', long: 'reset', desc: 'Reset domain after dumping core' },
    ],
    args: [{ ...guest, domains: 'active' }, { name: 'Filename', kind: 'file' }],
    arityError: 'Expects 1 or 2 argument(s)',
    load: () => import('./commands/dump-core.js'),
  },
  {
    name: 'list',
    group: 'domain',
    usage: '[options] [Domain, ...]',
    help: 'List information about all/some domains.',
    options: [
      { short: 'l', long: 'long', desc: 'Output all VM details in SXP' },
      { long: 'state', arg: '<state>', type: 'choice', desc: 'Select only VMs with the specified state', choices: ['running', 'paused', 'halted', 'suspended', 'crashed', 'unknown', 'all'] },
    ],
    args: [someDomains],
    load: () => import('./commands/list.js'),
  },
  {
    name: 'mem-max',
    group: 'domain',
    usage: '<Domain> <Mem>',
    help: 'Set the maximum amount reservation for a domain.',
    options: [],
    args: [dom, value('Mem', 'memory')],
    load: () => import('./commands/mem-max.js'),
  },
  {
    name: 'mem-set',
    aliases: ['balloon'],
    group: 'domain',
    usage: '<Domain> <Mem>',
    help: 'Set the current memory usage for a domain.',
    options: [],
    args: [{ ...dom, domains: 'active' }, value('Mem', 'memory')],
    load: () => import('./commands/mem-set.js'),
  },
  {
    name: 'migrate',
    group: 'domain',
    usage: '<Domain> <Host>',
    help: 'Migrate a domain to another machine.',
    options: [
      { short: 'l', long: 'live', desc: 'Use live migration.' },
      { short: 'p', long: 'port', arg: 'portnum', type: 'int', desc: 'Use specified port for migration.' },
      { short: 'n', long: 'node', arg: 'nodenum', type: 'int', desc: 'Use specified NUMA node on target.' },
      { short: 's', long: 'ssl', desc: 'Use ssl connection for migration.' },
      { short: 'c', long: 'change_home_server', desc: 'Change home server for managed domains.' },
      timeout('Cancel after SECONDS, leaving the domain here (exit status 124; not in xm).'),
    ],
    args: [{ ...guest, domains: 'active' }, value('Host')],
    arityError: 'Invalid number of arguments',
    faultsWithoutUsage: true,
    load: () => import('./commands/migrate.js'),
  },
  {
    name: 'pause',
    group: 'domain',
    usage: '<Domain>',
    help: 'Pause execution of a domain.',
    options: [],
    args: [{ ...guest, domains: 'running' }],
    load: () => import('./commands/pause.js'),
  },
  {
    name: 'reboot',
    group: 'domain',
    usage: '<Domain> [-wa]',
    help: 'Reboot a domain.',
    options: [
      { short: 'a', long: 'all', desc: 'Reboot all domains.' },
      { short: 'w', long: 'wait', desc: 'Wait for reboot to complete before returning.' },
      WAIT_TIMEOUT,
    ],
    args: [{ ...someDomains, guestOnly: true, domains: 'active' }],
    load: () => import('./commands/shutdown.js'),
  },
  {
    name: 'rename',
    group: 'domain',
    usage: '<Domain> <NewDomainName>',
    help: 'Rename a domain.',
    options: [],
    args: [dom, value('NewDomainName')],
    load: () => import('./commands/rename.js'),
  },
  {
    name: 'reset',
    group: 'domain',
    usage: '<Domain>',
    help: 'Reset a domain.',
    options: [],
    args: [{ ...guest, domains: 'active' }],
    load: () => import('./commands/reset.js'),
  },
  {
    name: 'restore',
    group: 'domain',
    usage: '<CheckpointFile> [-p]',
    help: 'Restore a domain from a saved state.',
    options: [{ short: 'p', long: 'paused', desc: 'Do not unpause domain after restoring it' }],
    args: [{ name: 'CheckpointFile', kind: 'file', required: true }],
    load: () => import('./commands/restore.js'),
  },
  {
    name: 'resume',
    group: 'domain',
    usage: '<DomainName>',
    help: 'Resume a Xend managed domain',
    options: [{ short: 'p', long: 'paused', desc: 'Do not unpause domain after resuming it' }],
    args: [dom],
    load: () => import('./commands/resume.js'),
  },
  {
    name: 'save',
    group: 'domain',
    usage: '[-c] <Domain> <CheckpointFile>',
    help: 'Save a domain state to restore later.',
    options: [{ short: 'c', long: 'checkpoint', desc: 'Leave domain running after creating snapshot' }],
    args: [{ ...guest, domains: 'active' }, { name: 'CheckpointFile', kind: 'file', required: true }],
    load: () => import('./commands/save.js'),
  },
  {
    name: 'shutdown',
    group: 'domain',
    usage: '<Domain> [-waRH]',
    help: 'Shutdown a domain.',
    options: [
      { short: 'a', long: 'all', desc: 'Shutdown all guest domains.  Often used when doing a complete shutdown of a Xen system.' },
      { short: 'w', long: 'wait', desc: 'Wait for the domain to complete shutdown before returning.' },
      { short: 'H', long: 'halt', desc: 'Shutdown without reboot.' },
      { short: 'R', long: 'reboot', desc: 'Shutdown and reboot.' },
      WAIT_TIMEOUT,
    ],
    args: [{ ...someDomains, guestOnly: true, domains: 'active' }],
    load: () => import('./commands/shutdown.js'),
  },
  {
    name: 'start',
    group: 'domain',
    usage: '<DomainName>',
    help: 'Start a Xend managed domain',
    options: [
      { short: 'p', long: 'paused', desc: 'Do not unpause domain after starting it' },
      { short: 'c', long: 'console_autoconnect', desc: 'Connect to the console after the domain is created' },
    ],
    args: [dom],
    load: () => import('./commands/start.js'),
  },
  {
    name: 'suspend',
    group: 'domain',
    usage: '<DomainName>',
    help: 'Suspend a Xend managed domain',
    options: [],
    args: [{ ...dom, domains: 'running' }],
    load: () => import('./commands/suspend.js'),
  },
  {
    name: 'sysrq',
    group: 'domain',
    usage: '<Domain> <letter>',
    help: 'Send a sysrq to a domain.',
    options: [],
    args: [{ ...dom, domains: 'active' }, value('letter')],
    load: () => import('./commands/sysrq.js'),
  },
  {
    name: 'trigger',
    group: 'domain',
    usage: '<Domain> <nmi|reset|init|s3resume|power> [<VCPU>]',
    help: 'Send a trigger to a domain.',
    options: [],
    args: [
      { ...guest, domains: 'active' },
      { ...value('trigger'), choices: ['nmi', 'reset', 'init', 's3resume', 'power'] },
      { name: 'VCPU', kind: 'value', type: 'int' },
    ],
    load: () => import('./commands/trigger.js'),
  },
  {
    name: 'top',
    group: 'domain',
    usage: '',
    help: 'Monitor a host and the domains in real time.',
    options: [
      { long: 'once', desc: 'Print one snapshot and exit, as when not on a terminal (not in xm)' },
      { short: 'd', long: 'delay', arg: 'SECONDS', type: 'seconds', desc: 'Seconds between updates, 3 by default (xentop -d)' },
      { short: 'i', long: 'iterations', arg: 'N', type: 'count', desc: 'Stop after N updates (xentop -i)' },
    ],
    args: [],
    load: () => import('./commands/top.js'),
  },
  {
    name: 'unpause',
    group: 'domain',
    usage: '<Domain>',
    help: 'Unpause a paused domain.',
    options: [],
    args: [{ ...guest, domains: 'paused' }],
    load: () => import('./commands/unpause.js'),
  },
  {
    name: 'uptime',
    group: 'domain',
    usage: '[-s] [Domain, ...]',
    help: 'Print uptime for all/some domains.',
    options: [{ short: 's', long: 'short', desc: 'Print a short uptime.' }],
    args: [someDomains],
    load: () => import('./commands/uptime.js'),
  },
  {
    name: 'domstate',
    group: 'domain',
    usage: '<domain> ',
    help: 'get the state of a domain',
    options: [],
    args: [dom],
    load: () => import('./commands/domstate.js'),
  },
  {
    name: 'vcpu-list',
    group: 'domain',
    usage: '[Domain, ...]',
    help: 'List the VCPUs for all/some domains.',
    options: [],
    args: [someDomains],
    load: () => import('./commands/vcpu-list.js'),
  },
  {
    name: 'vcpu-pin',
    group: 'domain',
    usage: '<Domain> <VCPU|all> <CPUs|all>',
    help: 'Set which CPUs a VCPU can use.',
    options: [],
    args: [{ ...dom, domains: 'active' }, value('VCPU', 'vcpu'), value('CPUs', 'cpus')],
    load: () => import('./commands/vcpu-pin.js'),
  },
  {
    name: 'vcpu-set',
    aliases: ['set-vcpus'],
    group: 'domain',
    usage: '<Domain> <vCPUs>',
    help: 'Set the number of active VCPUs allowed for the domain.',
    options: [],
    args: [{ ...dom, domains: 'active' }, value('vCPUs', 'int')],
    load: () => import('./commands/vcpu-set.js'),
  },
  {
    name: 'dmesg',
    group: 'host',
    usage: '[-c|--clear]',
    help: "Read and/or clear Xend's message buffer.",
    options: [{ short: 'c', long: 'clear', desc: 'Clear the contents of the Xen message buffer.' }],
    args: [],
    load: () => import('./commands/dmesg.js'),
  },
  {
    name: 'info',
    group: 'host',
    usage: '[-c|--config] [-n|--numa]',
    help: 'Get information about Xen host.',
    options: [
      { short: 'c', long: 'config', desc: 'List Xend configuration parameters' },
      { short: 'n', long: 'numa', desc: 'List host NUMA information' },
    ],
    args: [],
    load: () => import('./commands/info.js'),
  },
  {
    name: 'log',
    group: 'host',
    usage: '',
    help: 'Print Xend log',
    options: [],
    args: [],
    load: () => import('./commands/log.js'),
  },
  {
    // xm's scheduler group came after the host commands; here it is listed with them.
    name: 'sched-credit',
    group: 'scheduler',
    usage: '[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]]',
    help: 'Get/set credit scheduler parameters.',
    options: [
      { short: 'd', long: 'domain', arg: 'DOMAIN', type: 'domain', desc: 'Domain to modify', domains: 'any' },
      { short: 'w', long: 'weight', arg: 'WEIGHT', type: 'int', desc: 'Weight (int)' },
      { short: 'c', long: 'cap', arg: 'CAP', type: 'int', desc: 'Cap (int)' },
    ],
    args: [],
    load: () => import('./commands/sched-credit.js'),
  },
];

/** Resolves what the user typed as xm does: exact name, alias (deprecated), then a unique prefix longer than one letter. */
export function findCommand(word: string): { spec: CommandSpec; deprecatedAlias?: string } | undefined {
  const exact = COMMANDS.find((c) => c.name === word);
  if (exact) return { spec: exact };
  const alias = COMMANDS.find((c) => c.aliases?.includes(word));
  if (alias) return { spec: alias, deprecatedAlias: word };
  if (word.length <= 1) return undefined;
  const matches = COMMANDS.filter((c) => c.name.startsWith(word));
  return matches.length === 1 ? { spec: matches[0]! } : undefined;
}
