import type { CommandSpec } from '../spec.js';

/** xm's host and scheduler commands (host_commands, scheduler_commands). */
export const HOST_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'dmesg',
    group: 'host',
    usage: '[-c|--clear]',
    help: "Read and/or clear Xend's message buffer.",
    options: [{ short: 'c', long: 'clear', desc: 'Clear the contents of the Xen message buffer.' }],
    args: [],
    load: () => import('../commands/dmesg.js'),
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
    load: () => import('../commands/info.js'),
  },
  {
    name: 'log',
    group: 'host',
    usage: '',
    help: 'Print Xend log',
    options: [],
    args: [],
    load: () => import('../commands/log.js'),
  },
  {
    name: 'serve',
    group: 'host',
    usage: '',
    help: 'Proxy Xend XMLRPC over stdio.',
    notes:
      "Relays XML-RPC requests read on standard input to xend's Unix socket and its replies to standard output, " +
      'so that `ssh dom0 xm serve` carries them: xm --server ssh://[USER@]HOST[:PORT] (or XM_SERVER) manages that host this way.',
    options: [],
    args: [],
    load: () => import('../commands/serve.js'),
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
    load: () => import('../commands/sched-credit.js'),
  },
];
