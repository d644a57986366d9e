import { UnsupportedConfig } from './errors.js';
import { INTERFACE_NAME, MAC_ADDRESS } from '../../config/domain-limits.js';

/**
 * Checks of the values a domain config hands to QEMU's command line. A client
 * chooses them, so each is checked for its kind before it is used, and every
 * one placed inside a comma-separated QEMU option goes through `optionValue`.
 */

/** Longest path accepted (Linux PATH_MAX). */
const MAX_PATH = 4096;

/** A value inside `key=value,key=value`: QEMU reads `,,` as a literal comma. */
export function optionValue(value: string): string {
  return value.replaceAll(',', ',,');
}

/** An absolute path of a host file, as `what` names it in the error. */
export function hostPath(value: string, what: string): string {
  if (value.length > MAX_PATH) throw new UnsupportedConfig(`${what} path is longer than ${MAX_PATH} characters`);
  if (value.includes('\0')) throw new UnsupportedConfig(`${what} path contains a NUL character`);
  if (!value.startsWith('/')) throw new UnsupportedConfig(`${what} path "${value}" is not absolute`);
  return value;
}

/**
 * A path QEMU takes raw but may split on commas (-kernel, -initrd: a multiboot
 * kernel takes `-initrd "file args,file args"`), so a comma is refused outright.
 */
export function plainPath(value: string, what: string): string {
  if (hostPath(value, what).includes(',')) throw new UnsupportedConfig(`${what} path "${value}" contains ',', which QEMU would split`);
  return value;
}

/** Six hex pairs separated by colons (a vif's `mac=`). */
export function macAddress(value: string): string {
  if (!MAC_ADDRESS.test(value)) throw new UnsupportedConfig(`vif mac "${value.slice(0, 64)}" is not a MAC address (six hex pairs separated by ':')`);
  return value;
}

/** A Linux interface name (a vif's `bridge=`). */
export function interfaceName(value: string): string {
  if (!INTERFACE_NAME.test(value)) {
    throw new UnsupportedConfig(`vif bridge "${value.slice(0, 64)}" is not a network interface name (at most 15 letters, digits, '.', '_', '-', '@')`);
  }
  return value;
}

/** Text QEMU passes on unparsed (-append); argv cannot carry a NUL. */
export function plainText(value: string, what: string): string {
  if (value.includes('\0')) throw new UnsupportedConfig(`${what} contains a NUL character`);
  return value;
}

/** An address QEMU listens on: IPv4, a host name, or IPv6 (bracketed for QEMU's host:port). */
export function listenAddress(value: string, what: string): string {
  if (/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(value)) return value;
  if (/^\[?[0-9A-Fa-f:.]{2,45}\]?$/.test(value) && value.includes(':')) return `[${value.replace(/^\[|\]$/g, '')}]`;
  throw new UnsupportedConfig(`${what} "${value.slice(0, 64)}" is not an address to listen on`);
}
