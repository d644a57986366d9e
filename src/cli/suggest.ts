import { COMMANDS } from './registry.js';
import { nearest } from '../nearest.js';

/**
 * The line after xm's `Subcommand … not found!`: the commands a prefix could mean,
 * or the command a typo is close to; null when nothing is near.
 */
export function suggestCommand(word: string): string | null {
  const names = COMMANDS.map((c) => c.name);
  const prefixed = names.filter((n) => n.startsWith(word));
  if (word && prefixed.length > 1) return `'${word}' is ambiguous: ${prefixed.join(', ')}.`;
  const closest = nearest(word, names);
  return closest.length ? `Did you mean ${closest.map((n) => `'${n}'`).join(' or ')}?` : null;
}
