import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirDurably, removeFile, renameFile, writeFileDurably } from '../store/durable.js';
import { parseFirst, prettyPrint } from '../sxp/index.js';
import { PowerState } from '../protocol/domain.js';
import { parseVmConfig, vmConfigSxp, type VmConfig } from '../vm/config.js';

/** A domain under xend's lifecycle management (xm new): its config, and whether it is suspended. */
export interface ManagedEntry {
  config: VmConfig;
  /** `xm suspend` left its state in the store: power state suspended until `xm resume`. */
  suspended: boolean;
}

/** A managed domain that is not running is halted, or suspended while its checkpoint is in the store. */
export function managedState(m: ManagedEntry): PowerState {
  return m.suspended ? PowerState.Suspended : PowerState.Halted;
}

const CONFIG = 'config.sxp';
const CHECKPOINT = 'checkpoint.chk';
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The managed domain store under xend-domains-path, laid out as xend laid it out:
 * `<uuid>/config.sxp` (the domain's config, pretty-printed SXP) and, while the
 * domain is suspended, `<uuid>/checkpoint.chk`. Every write goes through
 * store/durable.ts, so a crash leaves the old config or the new one, and a
 * half-written checkpoint is never taken for a whole one.
 */
export class ManagedStore {
  private readonly entries = new Map<string, VmConfig>();
  /** uuid by name, so that finding a domain by name reads no file. */
  private readonly names = new Map<string, string>();

  constructor(
    readonly dir: string,
    warn: (message: string) => void = () => {},
  ) {
    makeDirDurably(dir, 0o700);
    for (const name of readdirSync(dir)) {
      const sub = join(dir, name);
      if (!UUID_RE.test(name)) continue;
      // Leftovers of a crash in the middle of a write: the rename never happened.
      rmSync(join(sub, `${CONFIG}.tmp`), { force: true });
      rmSync(join(sub, `${CHECKPOINT}.tmp`), { force: true });
      if (!existsSync(join(sub, CONFIG))) {
        // A delete that a crash interrupted after the config went: finish it.
        rmSync(sub, { recursive: true, force: true });
        continue;
      }
      try {
        const config = parseVmConfig(parseFirst(readFileSync(join(sub, CONFIG), 'utf8')));
        if (config.uuid !== name) throw new Error(`its uuid is ${config.uuid}`);
        this.keep(config);
      } catch (err) {
        warn(`Ignoring managed domain ${name}: ${sub}/${CONFIG} is not a valid config (${(err as Error).message})`);
      }
    }
  }

  list(): ManagedEntry[] {
    return [...this.entries.values()].map((config) => ({ config, suspended: this.hasCheckpoint(config.uuid) }));
  }

  get(uuid: string): ManagedEntry | undefined {
    const config = this.entries.get(uuid);
    return config && { config, suspended: this.hasCheckpoint(uuid) };
  }

  has(uuid: string): boolean {
    return this.entries.has(uuid);
  }

  /** The managed domain named `name`. */
  named(name: string): ManagedEntry | undefined {
    const uuid = this.names.get(name);
    return uuid === undefined ? undefined : this.get(uuid);
  }

  save(config: VmConfig): void {
    const sub = join(this.dir, config.uuid);
    makeDirDurably(sub, 0o700);
    writeFileDurably(join(sub, CONFIG), prettyPrint(vmConfigSxp(config)));
    this.keep(config);
  }

  remove(uuid: string): void {
    const sub = join(this.dir, uuid);
    // The config goes first and alone: that is the moment the domain stops being managed.
    removeFile(join(sub, CONFIG));
    rmSync(sub, { recursive: true, force: true });
    this.forget(uuid);
  }

  private keep(config: VmConfig): void {
    this.forget(config.uuid);
    this.entries.set(config.uuid, config);
    this.names.set(config.name, config.uuid);
  }

  private forget(uuid: string): void {
    const old = this.entries.get(uuid);
    if (old && this.names.get(old.name) === uuid) this.names.delete(old.name);
    this.entries.delete(uuid);
  }

  checkpointPath(uuid: string): string {
    return join(this.dir, uuid, CHECKPOINT);
  }

  hasCheckpoint(uuid: string): boolean {
    return existsSync(this.checkpointPath(uuid));
  }

  /** Where a checkpoint is written before it is renamed into place. */
  checkpointTemp(uuid: string): string {
    return `${this.checkpointPath(uuid)}.tmp`;
  }

  commitCheckpoint(uuid: string): void {
    renameFile(this.checkpointTemp(uuid), this.checkpointPath(uuid));
  }

  dropCheckpoint(uuid: string): void {
    removeFile(this.checkpointPath(uuid));
    rmSync(this.checkpointTemp(uuid), { force: true });
  }
}
