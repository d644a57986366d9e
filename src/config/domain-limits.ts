import { charName, NON_XML_CHAR } from '../protocol/xmlrpc/types.js';
import type { Sxp } from '../sxp/types.js';

/**
 * What a domain config may hold, as xm and xend both check it: xm before it
 * sends a config file's result, xend where a config enters (vm/config-limits).
 */

/** What xend does when a domain powers off or reboots (on_poweroff, on_reboot). */
export const RESTART_ACTIONS = ['destroy', 'restart', 'preserve', 'rename-restart'] as const;
/** on_crash's: the restart actions, and dumping the core first. */
export const CRASH_ACTIONS = [...RESTART_ACTIONS, 'coredump-destroy', 'coredump-restart'] as const;
/** What xend does with a managed domain when it starts and stops (XendDomain.autostart/cleanup_domains). */
export const XEND_START_ACTIONS = ['ignore', 'start'] as const;
export const XEND_STOP_ACTIONS = ['ignore', 'shutdown', 'suspend'] as const;

/** Xen 4.4's MAX_VIRT_CPUS on x86 (xen/include/asm-x86/config.h): XEN_DOMCTL_max_vcpus refuses more. */
export const MAX_VIRT_CPUS = 8192;

/** A vif's `mac`: six hex pairs separated by colons. */
export const MAC_ADDRESS = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/i;

/**
 * A Linux interface name (a vif's `bridge`, `vifname`): 1–15 characters, no '/',
 * ':' or blank, not '.' or '..' (dev_valid_name), so it names a device in
 * /sys/class/net and nothing outside it.
 */
export const INTERFACE_NAME = /^(?!\.\.?$)[A-Za-z0-9_.@-]{1,15}$/;

/** The longest string a config may carry (a description, extra, a cmdline): wide configs must not swamp `xm list`. */
export const MAX_CONFIG_STRING = 64 * 1024;

/** Why a string cannot travel in an XML-RPC record (every listing would break on it), or null. */
export function notXml(s: string): string | null {
  const bad = NON_XML_CHAR.exec(s);
  return bad ? `contains ${charName(bad[0])}, which XML 1.0 cannot carry` : null;
}

/**
 * The first string in a domain config that `problem` refuses, with the key of
 * the `(key …)` entry holding it (for the message); null when there is none.
 */
export function findBadString(config: Sxp, problem: (s: string) => string | null): { key: string; problem: string } | null {
  const stack: [Sxp, string][] = [[config, 'vm']];
  while (stack.length) {
    const [v, key] = stack.pop()!;
    if (Array.isArray(v)) {
      const inner = typeof v[0] === 'string' ? v[0] : key;
      for (const c of v) stack.push([c, inner]);
    } else if (typeof v === 'string') {
      const why = problem(v);
      if (why) return { key, problem: why };
    }
  }
  return null;
}

/** A key for a message: short, and any control character in it shown, not sent. */
export function shownKey(key: string): string {
  return JSON.stringify(key.slice(0, 64));
}
