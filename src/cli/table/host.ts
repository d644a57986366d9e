import type { CommandSpec } from '../spec.js';
import { value } from './options.js';

/** xm's host and scheduler commands (host_commands, scheduler_commands). */
export const HOST_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'debug-keys',
    group: 'host',
    usage: '<Keys>',
    help: 'Send debug keys to Xen.',
    options: [],
    args: [value('Keys')],
    load: () => import('../commands/debug-keys.js'),
  },
  {
    name: 'dmesg',
    group: 'host',
    usage: '[-c|--clear]',
    help: "Read and/or clear Xend's message buffer.",
    options: [{ short: 'c', long: 'clear', desc: 'Clear dmesg buffer as well as printing it' }],
    args: [],
    argCheck: [0, 1],
    arityError: 'No parameter required',
    load: () => import('../commands/dmesg.js'),
  },
  {
    name: 'info',
    group: 'host',
    usage: '[-c|--config] [-n|--numa]',
    help: 'Get information about Xen host.',
    options: [
      { short: 'c', long: 'config', desc: 'List Xend configuration parameters' },
      { short: 'n', long: 'numa', desc: 'List host NUMA topology information' },
    ],
    args: [],
    argCheck: [0, 1],
    ignoresExtraArgs: true,
    load: () => import('../commands/info.js'),
  },
  {
    name: 'log',
    group: 'host',
    usage: '',
    help: 'Print Xend log',
    options: [],
    args: [],
    argCheck: [0],
    load: () => import('../commands/log.js'),
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
    ignoresExtraArgs: true,
    load: () => import('../commands/sched-credit.js'),
  },
];
