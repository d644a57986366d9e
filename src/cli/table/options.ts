import type { OptionSpec } from '../spec.js';
import type { ValueType } from '../values.js';

// Option and argument definitions shared by the command tables (virsh's shared option macros).

const json: OptionSpec = { added: true, long: 'json', desc: 'Print the result as JSON (see docs/json.md)', hidden: true };
const server: OptionSpec = { added: true, long: 'server', arg: 'URI', desc: 'Talk to xend at URI', hidden: true };
/** Options every command accepts; documented once in `xm help` and xm(1). */
export const GLOBAL_OPTIONS: readonly OptionSpec[] = [json, server];

export const dom = { name: 'Domain', kind: 'domain', domains: 'any', required: true } as const;
/** A domain argument xend refuses Domain-0 for (Cannot pause privileged domain 0, …): completion leaves it out. */
export const guest = { ...dom, guestOnly: true } as const;
/** `[Domain, ...]`: none means all. */
export const someDomains = { ...dom, required: false, variadic: true } as const;
export const value = (name: string, type?: ValueType) => ({ name, kind: 'value', required: true, ...(type && { type }) }) as const;

/** `--timeout SECONDS` (not in xm): exit status 124 when it runs out. */
export const timeout = (desc: string): OptionSpec => ({ added: true, long: 'timeout', arg: 'SECONDS', type: 'timeout', desc });
export const WAIT_TIMEOUT = timeout('With -w, give up after SECONDS (exit status 124; not in xm).');

/** create.py's options, which xm new shares (it parses its command line with create's). */
export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  { long: 'help_config', desc: 'Print the available configuration variables (vars) for the configuration script.' },
  { short: 'q', long: 'quiet', desc: 'Quiet.' },
  { long: 'path', arg: 'PATH', type: 'dirs', desc: 'Search path for configuration scripts. The value of PATH is a colon-separated directory list.' },
  {
    short: 'f',
    long: 'defconfig',
    arg: 'FILE',
    type: 'file',
    // create.py's text, its missing space included.
    desc:
      'Use the given Python configuration script.The configuration script is loaded after arguments have been processed. ' +
      'Each command-line option sets a configuration variable named after its long option name, and these variables are placed ' +
      'in the environment of the script before it is loaded. Variables for options that may be repeated have list values. ' +
      'Other variables can be set using VAR=VAL on the command line. After the script is loaded, option values that were not set ' +
      'on the command line are replaced by the values set in the script.',
  },
  {
    short: 'F',
    long: 'config',
    arg: 'FILE',
    type: 'file',
    desc:
      'Domain configuration to use (SXP).\nSXP is the underlying configuration format used by Xen.\n' +
      'SXP configurations can be hand-written or generated from Python configuration scripts, using the -n (dryrun) option to print the configuration.',
  },
  { short: 'n', long: 'dryrun', desc: 'Dry run - prints the resulting configuration in SXP but does not create the domain.' },
];
/** Bare words: the config file (the last one wins) and VAR=VAL settings. */
export const configWords = { name: 'ConfigFile', kind: 'file', variadic: true } as const;

/** How to leave a console: every command that attaches one says it. */
export const CONSOLE_NOTES =
  'Ctrl-] detaches and leaves the domain running; every other key, Ctrl-C and Ctrl-D included, goes to the guest. ' +
  'On a terminal xm says so when it attaches (Escape character is ^]) unless -q is given. ' +
  "The guest's output reaches the terminal as it is, escape sequences included, as with xenconsole: a guest can set the window title, " +
  'write to the clipboard (OSC 52) or make the terminal type answers to its queries. --safe, the default with --replay, drops those sequences.';
