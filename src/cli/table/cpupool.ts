import { dom, value } from './options.js';
import type { CommandSpec, OptionSpec } from '../spec.js';

const pool = value('CPU Pool');

/** xm/cpupool.py's options, which cpupool-create and cpupool-new share. */
const POOL_CONFIG_OPTIONS: readonly OptionSpec[] = [
  { long: 'help_config', desc: 'Print the available configuration variables (vars) for the configuration script.' },
  { long: 'path', arg: 'PATH', type: 'dirs', desc: 'Search path for configuration scripts. The value of PATH is a colon-separated directory list.' },
  { short: 'f', long: 'defconfig', arg: 'FILE', type: 'file', desc: 'Use the given Python configuration script.' },
  { short: 'F', long: 'config', arg: 'FILE', type: 'file', desc: 'CPU pool configuration to use (SXP).' },
  { short: 'n', long: 'dryrun', desc: 'Dry run - prints the resulting configuration in SXP but does not create the CPU pool.' },
];
/** Bare words: the config file (the last one wins) and VAR=VAL settings. */
const poolConfigWords = { name: 'ConfigFile', kind: 'file', variadic: true } as const;

/** The one-pool commands: a name (or pool id), nothing printed. */
const onePool = (name: string, help: string, load: CommandSpec['load']): CommandSpec => ({
  name,
  aliases: [name.replace('cpupool-', 'pool-')],
  group: 'cpupool',
  usage: '<CPU Pool>',
  help,
  options: [],
  args: [pool],
  load,
});

/** xm's cpupool commands (cpupool_commands), each also known by its pool-* alias. */
export const CPUPOOL_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'cpupool-create',
    aliases: ['pool-create'],
    group: 'cpupool',
    usage: '<ConfigFile> [vars]',
    help: 'Create a CPU pool based an ConfigFile.',
    options: POOL_CONFIG_OPTIONS,
    args: [poolConfigWords],
    load: () => import('../commands/cpupool-create.js'),
  },
  {
    name: 'cpupool-new',
    aliases: ['pool-new'],
    group: 'cpupool',
    usage: '<ConfigFile> [vars]',
    help: 'Adds a CPU pool to Xend CPU pool management',
    options: POOL_CONFIG_OPTIONS,
    args: [poolConfigWords],
    load: () => import('../commands/cpupool-new.js'),
  },
  onePool('cpupool-start', 'Starts a Xend CPU pool', () => import('../commands/cpupool-start.js')),
  {
    name: 'cpupool-list',
    aliases: ['pool-list'],
    group: 'cpupool',
    usage: '[<CPU Pool>] [-l|--long] [-c|--cpus]',
    help: 'List CPU pools on host',
    options: [
      { short: 'l', long: 'long', desc: 'Output all CPU pool details in SXP format' },
      { short: 'c', long: 'cpus', desc: 'Output list of CPUs used by a pool' },
    ],
    args: [{ ...pool, required: false }],
    arityError: 'Only one cpupool name for selection allowed',
    load: () => import('../commands/cpupool-list.js'),
  },
  onePool('cpupool-destroy', 'Deactivates a CPU pool', () => import('../commands/cpupool-destroy.js')),
  onePool('cpupool-delete', 'Removes a CPU pool from Xend management', () => import('../commands/cpupool-delete.js')),
  {
    name: 'cpupool-cpu-add',
    aliases: ['pool-cpu-add'],
    group: 'cpupool',
    usage: '<CPU Pool> <CPU nr>',
    help: 'Adds a CPU to a CPU pool',
    options: [],
    args: [pool, value('CPU nr')],
    load: () => import('../commands/cpupool-cpu-add.js'),
  },
  {
    name: 'cpupool-cpu-remove',
    aliases: ['pool-cpu-remove'],
    group: 'cpupool',
    usage: '<CPU Pool> <CPU nr>',
    help: 'Removes a CPU from a CPU pool',
    options: [],
    args: [pool, value('CPU nr')],
    load: () => import('../commands/cpupool-cpu-remove.js'),
  },
  {
    name: 'cpupool-migrate',
    aliases: ['pool-migrate'],
    group: 'cpupool',
    usage: '<Domain> <CPU Pool>',
    help: 'Moves a domain into a CPU pool',
    options: [],
    args: [dom, pool],
    load: () => import('../commands/cpupool-migrate.js'),
  },
];
