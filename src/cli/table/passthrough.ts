import type { CommandSpec } from '../spec.js';
import { guest, value } from './options.js';

/** `<Domain> [--long]`: xm's arg_check_for_resource_list counted the domains itself, in its own words. */
const listDomain = { ...guest, required: false, variadic: true } as const;
/** Accepted as xm did, but out of the help: xm had no option table for these. */
const long = { short: 'l', long: 'long', desc: 'List resources as SXP', hidden: true };
const optional = (name: string) => ({ name, kind: 'value', required: false }) as const;

/** xm's pass-through commands (device_commands from pci-attach on), in its help order. */
export const PASSTHROUGH_COMMANDS: readonly CommandSpec[] = [
  {
    name: 'pci-attach',
    group: 'device',
    usage: '[-o|--options=<opt>] <Domain> <domain:bus:slot.func> [virtual slot]',
    help: 'Insert a new pass-through pci device.',
    // xm had no option table for it; its usage line says -o.
    options: [{ short: 'o', long: 'options', arg: 'opt', desc: 'PCI option KEY=VALUE (msitranslate or power_mgmt: 0, 1, yes or no)', hidden: true }],
    args: [guest, value('domain:bus:slot.func'), optional('virtual slot')],
    arityError: "Invalid argument for 'xm pci-attach'",
    load: () => import('../commands/pci-attach.js'),
  },
  {
    name: 'pci-detach',
    group: 'device',
    usage: '<Domain> <domain:bus:slot.func>',
    help: "Remove a domain's pass-through pci device.",
    options: [],
    args: [guest, value('domain:bus:slot.func')],
    load: () => import('../commands/pci-detach.js'),
  },
  {
    name: 'pci-list',
    group: 'device',
    usage: '<Domain>',
    help: 'List pass-through pci devices for a domain.',
    options: [long],
    args: [listDomain],
    load: () => import('../commands/pci-list.js'),
  },
  {
    name: 'pci-list-assignable-devices',
    group: 'device',
    usage: '',
    help: 'List all the assignable pci devices',
    options: [],
    args: [],
    load: () => import('../commands/pci-list-assignable-devices.js'),
  },
  {
    name: 'scsi-attach',
    group: 'device',
    usage: '<Domain> <PhysDevice> <VirtDevice> [BackDomain]',
    help: 'Attach a new SCSI device.',
    options: [],
    args: [guest, value('PhysDevice'), value('VirtDevice'), optional('BackDomain')],
    load: () => import('../commands/scsi-attach.js'),
  },
  {
    name: 'scsi-detach',
    group: 'device',
    usage: '<Domain> <VirtDevice>',
    help: 'Detach a specified SCSI device.',
    options: [],
    args: [guest, value('VirtDevice')],
    load: () => import('../commands/scsi-detach.js'),
  },
  {
    name: 'scsi-list',
    group: 'device',
    usage: '<Domain> [--long]',
    help: 'List all SCSI devices currently attached.',
    options: [long],
    args: [listDomain],
    load: () => import('../commands/scsi-list.js'),
  },
  {
    name: 'usb-attach',
    group: 'device',
    usage: '<Domain> <DevId> <PortNumber> <BusId>',
    help: "Attach a new USB physical bus to domain's virtual port.",
    options: [],
    args: [guest, value('DevId', 'int'), value('PortNumber', 'int'), value('BusId')],
    load: () => import('../commands/usb-attach.js'),
  },
  {
    name: 'usb-detach',
    group: 'device',
    usage: '<Domain> <DevId> <PortNumber>',
    help: "Detach a USB physical bus from domain's virtual port.",
    options: [],
    args: [guest, value('DevId', 'int'), value('PortNumber', 'int')],
    load: () => import('../commands/usb-detach.js'),
  },
  {
    name: 'usb-list',
    group: 'device',
    usage: '<Domain>',
    help: "List domain's attachment state of all virtual port .",
    options: [],
    args: [guest],
    load: () => import('../commands/usb-list.js'),
  },
  {
    name: 'usb-list-assignable-devices',
    group: 'device',
    usage: '',
    help: 'List all the assignable usb devices',
    options: [],
    args: [],
    load: () => import('../commands/usb-list-assignable-devices.js'),
  },
  {
    name: 'usb-hc-create',
    group: 'device',
    usage: '<Domain> <USBSpecVer> <NumberOfPorts>',
    help: "Create a domain's new virtual USB host controller.",
    options: [],
    args: [guest, value('USBSpecVer'), value('NumberOfPorts', 'int')],
    load: () => import('../commands/usb-hc-create.js'),
  },
  {
    name: 'usb-hc-destroy',
    group: 'device',
    usage: '<Domain> <DevId>',
    help: "Destroy a domain's virtual USB host controller.",
    options: [],
    args: [guest, value('DevId')],
    load: () => import('../commands/usb-hc-destroy.js'),
  },
];
