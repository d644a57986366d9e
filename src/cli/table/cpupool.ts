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

const cpuNr = value('CPU nr');

/** The commands without options that change a pool (nothing printed), with their pool-* alias. */
const poolCommand = (name: string, usage: string, help: string, args: CommandSpec['args'], load: CommandSpec['load']): CommandSpec => ({
  name,
  aliases: [name.replace('cpupool-', 'pool-')],
  group: 'cpupool',
  usage,
  help,
  options: [],
  args,
  load,
});
const onePool = (name: string, help: string, load: CommandSpec['load']) => poolCommand(name, '<CPU Pool>', help, [pool], load);

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
  poolCommand('cpupool-cpu-add', '<CPU Pool> <CPU nr>', 'Adds a CPU to a CPU pool', [pool, cpuNr], () => import('../commands/cpupool-cpu-add.js')),
  poolCommand('cpupool-cpu-remove', '<CPU Pool> <CPU nr>', 'Removes a CPU from a CPU pool', [pool, cpuNr], () => import('../commands/cpupool-cpu-remove.js')),
  poolCommand('cpupool-migrate', '<Domain> <CPU Pool>', 'Moves a domain into a CPU pool', [dom, pool], () => import('../commands/cpupool-migrate.js')),
];
