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
 * The candidates a probable typo of `word` was meant to be: those fewest edits
 * away, at most `maxEdits` and fewer than half the word (so short words are not
 * "corrected" into unrelated ones); none when nothing is that near.
 */
export function nearest(word: string, candidates: readonly string[], maxEdits = 2): string[] {
  const bound = Math.min(maxEdits, Math.ceil(word.length / 2) - 1);
  const scored = candidates.map((c) => [c, distance(word, c)] as const).filter(([, d]) => d <= bound);
  const best = Math.min(...scored.map(([, d]) => d));
  return scored.filter(([, d]) => d === best).map(([c]) => c);
}
