import type { CommandSpec } from './spec.js';
import { DOMAIN_COMMANDS } from './table/domain.js';
import { HOST_COMMANDS } from './table/host.js';
import { DEVICE_COMMANDS } from './table/device.js';

export { GLOBAL_OPTIONS } from './table/options.js';

/**
 * The xm commands, in xm 4.4's help order. Usage argstrings and help lines are
 * xm's own (xm-reference §1); options beyond xm's are marked in their text.
 */
export const COMMANDS: readonly CommandSpec[] = [...DOMAIN_COMMANDS, ...HOST_COMMANDS, ...DEVICE_COMMANDS];

/** Resolves what the user typed as xm does: exact name, alias (deprecated), then a unique prefix longer than one letter. */
export function findCommand(word: string): { spec: CommandSpec; deprecatedAlias?: string } | undefined {
  const exact = COMMANDS.find((c) => c.name === word);
  if (exact) return { spec: exact };
  const alias = COMMANDS.find((c) => c.aliases?.includes(word));
  if (alias) return { spec: alias, deprecatedAlias: word };
  if (word.length <= 1) return undefined;
  const matches = COMMANDS.filter((c) => c.name.startsWith(word));
  return matches.length === 1 ? { spec: matches[0]! } : undefined;
}
