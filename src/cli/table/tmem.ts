import type { CommandSpec, OptionSpec } from '../spec.js';

/** `[<Domain>|-a|--all]`: a domain id (xm took numbers only) or every domain; words after it are the command's. */
const target = { name: 'Domain', kind: 'value', variadic: true } as const;
const all = (desc: string, hidden?: true): OptionSpec => ({ short: 'a', long: 'all', desc, ...(hidden && { hidden }) });

/**
 * xm's tmem commands (tmem_commands). xm 4.4's help left tmem-freeable out of its list
 * though SUBCOMMAND_HELP had it; here it is listed with the others, after tmem-set as there.
 */
export const TMEM_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'tmem-list',
    group: 'tmem',
    usage: '[-l|--long] [<Domain>|-a|--all]',
    help: 'List tmem pools.',
    // xm's option table had only -l; it took -a too.
    options: [{ short: 'l', long: 'long', desc: 'List tmem stats.' }, all('List tmem of all domains.', true)],
    args: [target],
    load: () => import('../commands/tmem-list.js'),
  },
  {
    name: 'tmem-thaw',
    group: 'tmem',
    usage: '[<Domain>|-a|--all]',
    help: 'Thaw tmem pools.',
    options: [all('Thaw all tmem.')],
    args: [target],
    load: () => import('../commands/tmem-thaw.js'),
  },
  {
    name: 'tmem-freeze',
    group: 'tmem',
    usage: '[<Domain>|-a|--all]',
    help: 'Freeze tmem pools.',
    options: [all('Freeze all tmem.')],
    args: [target],
    load: () => import('../commands/tmem-freeze.js'),
  },
  {
    name: 'tmem-destroy',
    group: 'tmem',
    usage: '[<Domain>|-a|--all]',
    help: 'Destroy tmem pools.',
    options: [all('Destroy all tmem.')],
    args: [target],
    load: () => import('../commands/tmem-destroy.js'),
  },
  {
    name: 'tmem-set',
    group: 'tmem',
    usage: '[<Domain>|-a|--all] [weight=<weight>] [cap=<cap>] [compress=<compress>]',
    help: 'Change tmem settings.',
    options: [all('Operate on all tmem.')],
    args: [target],
    load: () => import('../commands/tmem-set.js'),
  },
  {
    name: 'tmem-freeable',
    group: 'tmem',
    usage: '',
    help: 'Print freeable tmem (in MiB).',
    options: [],
    args: [{ name: 'ignored', kind: 'value', variadic: true }],
    load: () => import('../commands/tmem-freeable.js'),
  },
  {
    name: 'tmem-shared-auth',
    group: 'tmem',
    usage: '[<Domain>|-a|--all] [--uuid=<uuid>] [--auth=<0|1>]',
    help: 'De/authenticate shared tmem pool.',
    options: [
      all('Authenticate for all tmem pools.'),
      { short: 'u', long: 'uuid', arg: 'UUID', desc: 'Specify uuid (abcdef01-2345-6789-01234567890abcdef).' },
      { short: 'A', long: 'auth', arg: 'AUTH', type: 'int', desc: '0=auth,1=deauth' },
    ],
    args: [target],
    load: () => import('../commands/tmem-shared-auth.js'),
  },
];
