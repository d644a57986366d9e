import type { CommandSpec } from '../spec.js';
import { value } from './options.js';

/** xm's vnet commands (vnet_commands). */
export const VNET_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'vnet-list',
    group: 'vnet',
    usage: '[-l|--long]',
    help: 'List Vnets.',
    options: [{ short: 'l', long: 'long', desc: 'List Vnets as SXP' }],
    args: [{ name: 'VnetId', kind: 'value', variadic: true }],
    load: () => import('../commands/vnet-list.js'),
  },
  {
    name: 'vnet-create',
    group: 'vnet',
    usage: '<ConfigFile>',
    help: 'Create a vnet from ConfigFile.',
    options: [],
    args: [{ name: 'ConfigFile', kind: 'file', required: true }],
    load: () => import('../commands/vnet-create.js'),
  },
  {
    name: 'vnet-delete',
    group: 'vnet',
    usage: '<VnetId>',
    help: 'Delete a Vnet.',
    options: [],
    args: [value('VnetId')],
    load: () => import('../commands/vnet-delete.js'),
  },
];
