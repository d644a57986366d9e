import { closeSync, fsyncSync, openSync, readFileSync, readdirSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { makeDirs } from '../make-dirs.js';

/*
 * Every file xend keeps is written here, by one rule: the new contents go to a
 * temp file that is flushed (fsync) before it is renamed over the old one, and
 * the directory holding the rename is flushed after it. An error of any of these
 * steps is thrown to the caller, never swallowed; the one exception is a file
 * system that cannot flush a directory at all (EINVAL), where there is nothing
 * more to do. What need not outlive the machine skips the flushes (Survives).
 */

/**
 * What a file must survive. Every write is atomic (the old contents or the new, never
 * half), so it survives a crash of xend; 'machine' also flushes each step to disk, so
 * it survives a crash of the host. A backend's record of a domain it runs needs only
 * 'xend': the domain does not outlive the host (xl keeps that state under /run, xend
 * 4.4 in xenstore), and the flushes cost ~1 ms of every create, pause or unpause here.
 */
export type Survives = 'xend' | 'machine';

/**
 * A directory of JSON records written atomically (temp file, fsync, rename; without the
 * flushes for records that need only survive xend), so a crash at any point leaves
 * either the old record or the new one, never half of one.
 */
export class DurableDir<T> {
  constructor(
    readonly dir: string,
    private readonly survives: Survives = 'machine',
  ) {
    makeDirDurably(dir, 0o700);
    // A write that a crash interrupted before its rename: the record it was replacing stands.
    for (const f of readdirSync(this.dir)) if (f.endsWith('.json.tmp')) rmSync(join(this.dir, f), { force: true, recursive: true });
  }

  write(key: string, value: T): void {
    writeFileDurably(join(this.dir, `${key}.json`), JSON.stringify(value), undefined, this.survives);
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
    removeFile(join(this.dir, `${key}.json`), this.survives);
  }

  /** Moves a record to another key, as a write: one flush of the directory (where it must survive the machine), none of the record it carries. */
  rename(from: string, to: string): void {
    renameFile(join(this.dir, `${from}.json`), join(this.dir, `${to}.json`), this.survives);
  }

  /** Moves an unreadable record aside as `<key>.json.corrupt`, for a person to look at. */
  quarantine(key: string): void {
    renameFile(join(this.dir, `${key}.json`), join(this.dir, `${key}.json.corrupt`), this.survives);
  }

  /**
   * Every record, each as `revive` makes it of what the file held. One that is not
   * JSON, or that `revive` refuses, is moved aside and reported, so it cannot
   * keep every other one from being used; an error of the disk (EIO, EACCES) is
   * thrown: moving a good record aside would drop its domain.
   */
  readAll(report: (message: string) => void, revive: (record: T, key: string) => T = (r) => r): T[] {
    const records: T[] = [];
    for (const key of this.keys()) {
      try {
        const record = this.read(key);
        if (record) records.push(revive(record, key));
      } catch (err) {
        // The disk's errors have a code; what a file held (bad JSON, a refused record) has none.
        if ((err as NodeJS.ErrnoException).code) throw err;
        this.quarantine(key);
        report(`record ${key} in ${this.dir} is unreadable (${(err as Error).message}); moved aside as ${key}.json.corrupt`);
      }
    }
    return records;
  }

  /** Every complete record. */
  keys(): string[] {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -'.json'.length));
  }
}

/** Creates `dir` and any missing parents durably: each new entry's directory is flushed. */
export function makeDirDurably(dir: string, mode?: number): void {
  const first = makeDirs(dir, mode);
  if (first === undefined) return;
  const top = resolve(first);
  for (let d = resolve(dir); ; d = dirname(d)) {
    syncDir(dirname(d));
    if (d === top || d === dirname(d)) return;
  }
}

/**
 * Replaces `path` atomically and durably: `fill` writes the new contents to a temp
 * file (`<path>.tmp`, created with `mode`), flushed before the rename (else a crash
 * could leave the new name on an empty file); then the directory is flushed, which
 * is where the rename lives.
 */
export function replaceFile(path: string, fill: (fd: number) => void, mode = 0o600, survives: Survives = 'machine'): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    try {
      fill(fd);
      if (survives === 'machine') fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    // A write that failed (a full disk) leaves no temp file behind.
    rmSync(tmp, { force: true });
    throw err;
  }
  if (survives === 'machine') syncDir(dirname(path));
}

/** Replaces `path` with `text`, as replaceFile does. */
export function writeFileDurably(path: string, text: string, mode?: number, survives?: Survives): void {
  replaceFile(path, (fd) => writeSync(fd, text), mode, survives);
}

/**
 * Renames `from` (a file already flushed, such as a checkpoint written to its temp
 * name) to `to`, durably: the directory holding the rename is flushed.
 */
export function renameFile(from: string, to: string, survives: Survives = 'machine'): void {
  renameSync(from, to);
  if (survives === 'machine') syncDir(dirname(to));
}

/** Removes `path` if it exists, durably; removing nothing costs no flush. */
export function removeFile(path: string, survives: Survives = 'machine'): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (survives === 'machine') syncDir(dirname(path));
}

/** Flushes a directory's entries (renames, unlinks) to disk. */
function syncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (err) {
    // Some file systems cannot flush a directory (EINVAL); there is nothing more to do there.
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
  } finally {
    closeSync(fd);
  }
}
