import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileDurably } from '../store/durable.js';
import { VERSION } from '../version.js';

/**
 * Digests of the domain configs this version of xend has read under its own rules and
 * accepted, kept across restarts: adopting 10,000 domains reads each config again only
 * when it is one not accepted before (new since the last start, edited by hand, or kept
 * by another version). The digest is of the config as the record holds it now, so the
 * record stays what a restart trusts: any change to it is checked again. A file that is
 * missing, unreadable or of another version is an empty set: everything is checked.
 */
export class AcceptedConfigs {
  private readonly known: Set<string>;
  /** The digests of this start's domains: what the file keeps next (a destroyed domain's config drops out). */
  private readonly seen = new Set<string>();

  constructor(private readonly path: string) {
    this.known = new Set(readDigests(path));
  }

  /** Runs `check` (which throws to refuse) unless `config` was accepted before; remembers it when it passes. */
  accept(config: unknown, check: () => void): void {
    const digest = createHash('sha256').update(JSON.stringify(config)).digest('base64');
    if (!this.known.has(digest)) check();
    this.seen.add(digest);
  }

  /** Keeps the digests of the configs accepted at this start: one write, none when they are the ones read. */
  save(): void {
    const same = this.seen.size === this.known.size && [...this.seen].every((d) => this.known.has(d));
    if (same) return;
    writeFileDurably(this.path, JSON.stringify({ version: VERSION, digests: [...this.seen] }));
  }
}

function readDigests(path: string): string[] {
  try {
    const kept = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; digests?: unknown };
    return kept.version === VERSION && Array.isArray(kept.digests) ? kept.digests.filter((d): d is string => typeof d === 'string') : [];
  } catch {
    // Missing or not JSON: nothing is known, every config is checked (and the file rewritten).
    return [];
  }
}
