import type { CommandSpec } from '../spec.js';

/** `{dom <ConfigFile>|res <resource>|mgt <managed domain>}`: what is labeled, then which one. */
const object = [
  { name: 'kind', kind: 'value', required: true, choices: ['dom', 'res', 'mgt'] },
  { name: 'object', kind: 'value', required: true },
] as const;
const noArgs = { options: [], args: [] } as const;

/** xm's ACM commands (acm_commands): labels.py, addlabel.py, … each with its own argument words. */
export const ACM_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'labels',
    group: 'acm',
    usage: '[policy] [type=dom|res|any]',
    help: 'List <type> labels for (active) policy.',
    options: [],
    args: [{ name: 'policy', kind: 'value', variadic: true }],
    load: () => import('../commands/labels.js'),
  },
  {
    name: 'addlabel',
    group: 'acm',
    usage: '<label> {dom <ConfigFile>|res <resource>|mgt <managed domain>} [<policy>]',
    help: 'Add security label to domain.',
    options: [],
    args: [{ name: 'label', kind: 'value', required: true }, ...object, { name: 'policy', kind: 'value' }],
    arityError: 'Needs either 2 or 3 arguments',
    load: () => import('../commands/addlabel.js'),
  },
  {
    name: 'rmlabel',
    group: 'acm',
    usage: '{dom <ConfigFile>|res <Resource>|mgt<managed domain>}',
    help: 'Remove a security label from domain.',
    options: [],
    args: object,
    arityError: 'Requires 2 arguments',
    load: () => import('../commands/rmlabel.js'),
  },
  {
    name: 'getlabel',
    group: 'acm',
    usage: '{dom <ConfigFile>|res <Resource>|mgt <managed domain>}',
    help: 'Show security label for domain or resource.',
    options: [],
    args: object,
    arityError: 'Requires 2 arguments',
    load: () => import('../commands/getlabel.js'),
  },
  {
    name: 'dry-run',
    group: 'acm',
    usage: '<ConfigFile>',
    help: 'Test if a domain can access its resources.',
    options: [],
    args: [{ name: 'ConfigFile', kind: 'file', required: true }],
    arityError: 'Invalid number of arguments',
    load: () => import('../commands/dry-run.js'),
  },
  { name: 'resources', group: 'acm', usage: '', help: 'Show info for each labeled resource.', ...noArgs, arityError: 'No arguments required', load: () => import('../commands/resources.js') },
  { name: 'dumppolicy', group: 'acm', usage: '', help: 'Print hypervisor ACM state information.', ...noArgs, arityError: 'No arguments expected.', load: () => import('../commands/dumppolicy.js') },
  {
    name: 'resetpolicy',
    group: 'acm',
    usage: '',
    help: 'Set the policy of the system to the default policy.',
    ...noArgs,
    arityError: 'No arguments expected.',
    load: () => import('../commands/resetpolicy.js'),
  },
  {
    name: 'getpolicy',
    group: 'acm',
    usage: '[options]',
    help: 'Get the policy of the system.',
    options: [{ long: 'dumpxml', desc: "Print the policy's XML too", hidden: true }],
    args: [{ name: 'ignored', kind: 'value', variadic: true }],
    load: () => import('../commands/getpolicy.js'),
  },
];
