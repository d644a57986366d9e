/** Python's shlex.split in POSIX mode (what xm's shell split its lines with); no comments. */
export function shlexSplit(line: string): string[] {
  const words: string[] = [];
  let word = '';
  /** A word has begun (an empty quoted '' is a word too). */
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) word += line[++i]!;
      else word += c;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      inWord = true;
      if (c === "'" || c === '"') quote = c;
      else if (c !== '\\') word += c;
      else if (i + 1 < line.length) word += line[++i]!;
      else throw new ShlexError('No escaped character');
    }
  }
  if (quote) throw new ShlexError('No closing quotation');
  if (inWord) words.push(word);
  return words;
}

export class ShlexError extends Error {}
