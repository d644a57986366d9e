import { COMMANDS } from './registry.js';

/** Edit distance with transpositions (`lsit` is one step from `list`). */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The line after xm's `Subcommand … not found!`: the commands a prefix could mean,
 * or the one command a typo is close to (at most two edits, and fewer than half
 * the word); null when nothing is near.
 */
export function suggestCommand(word: string): string | null {
  const names = COMMANDS.map((c) => c.name);
  const prefixed = names.filter((n) => n.startsWith(word));
  if (word && prefixed.length > 1) return `'${word}' is ambiguous: ${prefixed.join(', ')}.`;
  const bound = Math.min(2, Math.ceil(word.length / 2) - 1);
  const scored = names.map((n) => [n, distance(word, n)] as const).filter(([, dist]) => dist <= bound);
  if (!scored.length) return null;
  const best = Math.min(...scored.map(([, dist]) => dist));
  const closest = scored.filter(([, dist]) => dist === best).map(([n]) => `'${n}'`);
  return `Did you mean ${closest.join(' or ')}?`;
}
