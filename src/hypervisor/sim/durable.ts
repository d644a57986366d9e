import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A directory of JSON records written atomically (temp file, fsync, rename), so a
 * crash at any point leaves either the old record or the new one, never half of one.
 */
export class DurableDir<T> {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  write(key: string, value: T): void {
    const path = join(this.dir, `${key}.json`);
    const tmp = `${path}.tmp`;
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, JSON.stringify(value));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  }

  read(key: string): T | undefined {
    try {
      return JSON.parse(readFileSync(join(this.dir, `${key}.json`), 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  remove(key: string): void {
    rmSync(join(this.dir, `${key}.json`), { force: true });
  }

  /** Moves an unreadable record aside as `<key>.json.corrupt`, for a person to look at. */
  quarantine(key: string): void {
    renameSync(join(this.dir, `${key}.json`), join(this.dir, `${key}.json.corrupt`));
  }

  /** Every complete record; leftover temp files from a crash are ignored. */
  keys(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
  }
}
