import type { ArgSpec, CommandSpec, OptionSpec } from '../spec.js';
import { dom, value } from './options.js';

// xm's device commands (main.py's device_commands), in its help order: block and
// network here; pci, scsi and usb follow in xm's order.

const optional = (name: string): ArgSpec => ({ name, kind: 'value' });
/** detach()'s third word: -f or --force (getopt takes them as the option), anything else ignored. */
const force: OptionSpec = { short: 'f', long: 'force', desc: 'Remove the device even if the guest has not let go of it' };
const long: OptionSpec = { short: 'l', long: 'long', desc: 'List resources as SXP' };
/** arg_check_for_resource_list: its own words for no domain and for several. */
const listDomain: ArgSpec = { ...dom, required: false, variadic: true };
const blockArgs: ArgSpec[] = [dom, value('BackDev'), value('FrontDev'), value('Mode'), optional('BackDomain')];
/** `key=value` words (network-attach, network2-attach): at most 10, each checked by the command. */
const settings: ArgSpec = { name: 'Setting', kind: 'value', variadic: true };

export const DEVICE_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'block-attach',
    group: 'device',
    usage: '<Domain> <BackDev> <FrontDev> <Mode> [BackDomain]',
    help: 'Create a new virtual block device.',
    options: [],
    args: blockArgs,
    load: () => import('../commands/block-attach.js'),
  },
  {
    name: 'block-detach',
    group: 'device',
    usage: '<Domain> <DevId> [-f|--force]',
    help: "Destroy a domain's virtual block device.",
    options: [force],
    args: [dom, value('DevId'), optional('Option')],
    load: () => import('../commands/block-detach.js'),
  },
  {
    name: 'block-list',
    group: 'device',
    usage: '<Domain> [--long]',
    help: 'List virtual block devices for a domain.',
    options: [long],
    args: [listDomain],
    load: () => import('../commands/block-list.js'),
  },
  {
    name: 'block-configure',
    group: 'device',
    usage: '<Domain> <BackDev> <FrontDev> <Mode> [BackDomain]',
    help: 'Change block device configuration',
    options: [],
    args: blockArgs,
    load: () => import('../commands/block-configure.js'),
  },
  {
    name: 'network-attach',
    group: 'device',
    usage:
      '<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] [script=<script>] [backend=<BackDomain>] [vifname=<name>] [rate=<rate>] [model=<model>][accel=<accel>]',
    help: 'Create a new virtual network device.',
    options: [],
    args: [dom, settings],
    load: () => import('../commands/network-attach.js'),
  },
  {
    name: 'network-detach',
    group: 'device',
    usage: '<Domain> <DevId|mac> [-f|--force]',
    help: "Destroy a domain's virtual network device.",
    options: [force],
    args: [dom, value('DevId'), optional('Option')],
    load: () => import('../commands/network-detach.js'),
  },
  {
    name: 'network-list',
    group: 'device',
    usage: '<Domain> [--long]',
    help: 'List virtual network interfaces for a domain.',
    options: [long],
    args: [listDomain],
    load: () => import('../commands/network-list.js'),
  },
  {
    name: 'network2-attach',
    group: 'device',
    usage:
      '<Domain> [front_mac=<mac>] [back_mac=<mac>] [backend=<BackDomain>] [trusted=<0|1>] [back_trusted=<0|1>] [bridge=<bridge>] [filter_mac=<0|1>] [front_filter_mac=<0|1>] [pdev=<PDEV>] [max_bypasses=n]',
    help: 'Create a new version 2 virtual network device.',
    options: [],
    args: [dom, settings],
    load: () => import('../commands/network2-attach.js'),
  },
  {
    name: 'network2-detach',
    group: 'device',
    usage: '<Domain> <DevId> [-f|--force]',
    help: "Destroy a domain's version 2 virtual network device.",
    options: [force],
    args: [dom, value('DevId'), optional('Option')],
    load: () => import('../commands/network2-detach.js'),
  },
  {
    name: 'network2-list',
    group: 'device',
    usage: '<Domain> [--long]',
    help: 'List version 2 virtual network interfaces for a domain.',
    options: [long],
    args: [listDomain],
    load: () => import('../commands/network2-list.js'),
  },
];
