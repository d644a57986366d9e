import { dom, value } from './options.js';
import type { CommandSpec, OptionSpec } from '../spec.js';

/** sched-credit's and sched-credit2's -d and -w. */
const schedDomain: OptionSpec = { short: 'd', long: 'domain', arg: 'DOMAIN', type: 'domain', desc: 'Domain to modify', domains: 'any' };
const schedWeight: OptionSpec = { short: 'w', long: 'weight', arg: 'WEIGHT', type: 'int', desc: 'Weight (int)' };

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
    name: 'sched-credit2',
    group: 'scheduler',
    usage: '[-d <Domain> [-w[=WEIGHT]]',
    help: 'Get/set credit2 scheduler parameters.',
    options: [schedDomain, schedWeight],
    args: [],
    load: () => import('../commands/sched-credit2.js'),
  },
  {
    name: 'sched-credit',
    group: 'scheduler',
    usage: '[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]]',
    help: 'Get/set credit scheduler parameters.',
    options: [schedDomain, schedWeight, { short: 'c', long: 'cap', arg: 'CAP', type: 'int', desc: 'Cap (int)' }],
    args: [],
    ignoresExtraArgs: true,
    load: () => import('../commands/sched-credit.js'),
  },
  {
    name: 'sched-sedf',
    group: 'scheduler',
    usage: '<Domain> [options]',
    help: 'Get/set EDF parameters.',
    options: [
      { short: 'p', long: 'period', arg: 'MS', type: 'float', desc: 'Relative deadline(ms)' },
      { short: 's', long: 'slice', arg: 'MS', type: 'float', desc: 'Worst-case execution time(ms). (slice < period)' },
      { short: 'l', long: 'latency', arg: 'MS', type: 'float', desc: 'Scaled period (ms) when domain performs heavy I/O' },
      { short: 'e', long: 'extratime', arg: 'FLAG', type: 'int', desc: 'Flag (0 or 1) controls if domain can run in extra time.' },
      { short: 'w', long: 'weight', arg: 'FLOAT', type: 'int', desc: 'CPU Period/slice (do not set with --period/--slice)' },
    ],
    args: [{ ...dom, required: false, domains: 'running' }],
    load: () => import('../commands/sched-sedf.js'),
  },
];
