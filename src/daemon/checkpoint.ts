import { constants, open, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { XendError } from '../protocol/faults.js';
import { childValue } from '../sxp/index.js';
import { sinkOf, sourceOf, type ByteSink, type ByteSource } from '../protocol/byte-stream.js';
import { strerror } from '../strerror.js';
import { DurableDir } from '../store/durable.js';
import { sparseSink } from './sparse-file.js';
import { consoleRecord, headerRecord, readConsoleRecord, readHeader, writeHeader } from './checkpoint-stream.js';
import { collectReplies, connectRelocation, deviceClasses, renamed, runMigrationTool, type MigrationProgress, type MigrationResult, type MigrationSettings } from './migration.js';
import type { ConsoleService } from './console.js';
import type { DomainService } from './domains.js';
import type { Logger } from './log.js';
import type { HvDomain, Hypervisor, ImageProgress, ImageStats } from '../hypervisor/types.js';
import type { Sxp } from '../sxp/types.js';

/** A save or migration in progress: what recovery needs to undo it as a failure would. */
interface Departure {
  uuid: string;
  domid: number;
  name: string;
  wasPaused: boolean;
}

/** A domain built from a stream; `keep` writes what its backend keeps of it later (once it runs). */
interface Incoming {
  domain: HvDomain;
  keep: () => void;
}

/** How far a restore has read its file. */
interface RestoreProgress {
  file: string;
  phase: 'reading';
  bytesRead: number;
  totalBytes: number;
  elapsedMs: number;
}

/**
 * Save, restore and live migration (XendCheckpoint / XendDomain.domain_migrate):
 * the same stream to a file or a relocation server. Whatever fails, the domain is
 * left running on the source under its own name, and nothing half-built stays
 * on the receiving side.
 */
export class CheckpointService {
  private readonly inFlight = new Map<string, { progress: MigrationProgress; abort: AbortController }>();
  /** Restores under way by their file: how far each has read. */
  private readonly restoring = new Map<string, () => RestoreProgress>();
  private readonly journal: DurableDir<Departure>;

  constructor(
    private readonly hv: Hypervisor,
    private readonly domains: DomainService,
    private readonly consoles: ConsoleService,
    private readonly log: Logger,
    private readonly settings: MigrationSettings,
  ) {
    this.journal = new DurableDir(settings.journalDir);
  }

  /**
   * On xend start: a save or migration that a crash of xend interrupted failed.
   * Its domain, if still here, gets its name back and runs again if it ran before.
   */
  recover(): void {
    for (const j of this.journal.readAll((m) => this.log.error(`migration journal: ${m}`))) {
      const d = this.hv.get(j.domid);
      if (d?.uuid === j.uuid) {
        this.log.warning(`Save or migration of domain ${j.name} (${j.domid}) was interrupted - resuming.`);
        // A domain that cannot be resumed must not stop every later start of xend.
        this.resume(d, j.name, j.wasPaused).catch((err: Error) => this.log.error(`Could not resume domain ${j.name} (${j.domid}): ${err.message}`));
      }
      this.journal.remove(j.uuid);
    }
  }

  /**
   * Holds the domain for a save or migration (see DomainService.busy), recorded
   * durably first so that a crash of xend meanwhile is undone on its next start.
   */
  private depart(d: HvDomain, activity: string, onDestroy: () => void): () => void {
    const release = this.domains.busy(d, activity, onDestroy);
    try {
      this.journal.write(d.uuid, { uuid: d.uuid, domid: d.domid, name: d.name, wasPaused: d.flags.paused });
    } catch (err) {
      release();
      throw err;
    }
    return () => {
      this.journal.remove(d.uuid);
      release();
    };
  }

  private checkMovable(d: HvDomain, verb: string): void {
    if (d.domid === 0) throw new XendError(`Cannot ${verb} privileged domain 0`);
    if (d.flags.shutdown || d.flags.crashed || d.incomplete) throw new XendError('Domain is not running');
  }

  async save(dom: string, path: string, checkpoint: boolean): Promise<void> {
    const d = this.domains.lookup(dom);
    this.checkMovable(d, 'save');
    const wasPaused = d.flags.paused;
    // A destroy meanwhile wins: the save stops and its file goes. A cancel (xm's Ctrl-C) leaves the domain as it was.
    const destroyed = new AbortController();
    const cancelled = new AbortController();
    const release = this.depart(d, 'saved', () => destroyed.abort());
    const progress: MigrationProgress = { domain: d.name, destination: path, phase: 'copying', live: false, memoryPages: (d.memoryMiB * 1024) / 4 };
    this.inFlight.set(d.uuid, { progress, abort: cancelled });
    try {
      await this.writeSave(d, path, destroyed.signal, cancelled.signal, (p) => Object.assign(progress, p));
      // Written whole: a cancel from here on finds nothing to cancel; one before was obeyed.
      this.inFlight.delete(d.uuid);
      if (checkpoint) {
        if (!wasPaused) await this.hv.unpause(d.domid);
        return;
      }
      this.hv.destroy(d.domid);
    } finally {
      this.inFlight.delete(d.uuid);
      release();
    }
    this.domains.released(d.uuid);
    this.log.info(`Domain ${d.name} (${d.domid}) saved to ${path}`);
  }

  /** The guest state file of a save; on failure the domain runs on as it was and no file save made is left. */
  private async writeSave(d: HvDomain, path: string, destroyed: AbortSignal, cancelled: AbortSignal, progress: (p: ImageProgress) => void): Promise<void> {
    const existing = await stat(path).catch(() => null);
    if (existing?.isSocket()) throw new XendError(`can't write guest state file ${path}: not a file`);
    // A pipe is opened without blocking (a blocked open would hold a worker thread
    // until someone reads): nobody reading is an error at once, and writes wait politely.
    const pipe = existing?.isFIFO() === true;
    // Never through a symlink: one swapped in after the path was checked would be written instead.
    const flags = pipe ? constants.O_WRONLY | constants.O_NONBLOCK : constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    const file = await open(path, flags | constants.O_NOFOLLOW, 0o600).catch((err: NodeJS.ErrnoException) => {
      throw new XendError(`can't write guest state file ${path}: ${err.code === 'ENXIO' ? 'nothing reads the pipe' : strerror(err)}`);
    });
    const wasPaused = d.flags.paused;
    const regular = !existing || existing.isFile();
    try {
      // In a file, the zero pages of a guest's memory are holes: its size on disk is what the guest wrote.
      const sparse = regular ? sparseSink(file) : null;
      const signal = AbortSignal.any([destroyed, cancelled]);
      const sink: ByteSink = sparse ?? { write: (data) => writeAll(file, data, signal) };
      await writeHeader(sink, this.domains.record(d.domid));
      await this.hv.saveImage(d.domid, sink, { live: false, signal, suspend: async () => this.hv.pause(d.domid, { transient: true }), progress });
      await sink.write(consoleRecord(this.consoles.history(d.uuid)));
      await sparse?.finish();
      if (regular) await file.sync();
      await file.close();
      // A cancel or destroy that came while the last bytes were written still wins.
      signal.throwIfAborted();
    } catch (err) {
      await file.close().catch(() => {});
      // Only what save itself created goes: never a device or a file that was there before.
      if (!existing) await rm(path, { force: true });
      if (destroyed.aborted) throw new XendError(`Domain ${d.name} was destroyed while it was being saved`);
      await this.resume(d, d.name, wasPaused).catch(() => {});
      if (cancelled.aborted) throw new XendError('Save cancelled');
      throw new XendError(`can't write guest state file ${path}: ${(err as NodeJS.ErrnoException).code ? strerror(err as NodeJS.ErrnoException) : (err as Error).message}`);
    }
  }

  async restore(path: string, paused: boolean): Promise<Sxp> {
    // Never through a symlink: one swapped in after the path was checked would be read instead.
    const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch((err: NodeJS.ErrnoException) => {
      throw new XendError(`can't read guest state file ${path}: ${strerror(err)}`);
    });
    const started = Date.now();
    // A pipe's size is 0: its progress has no share.
    const totalBytes = (await file.stat().catch(() => null))?.size ?? 0;
    // The stream owns the handle and closes it exactly once.
    const stream = file.createReadStream();
    const progress = (): RestoreProgress => ({ file: path, phase: 'reading', bytesRead: stream.bytesRead, totalBytes, elapsedMs: Date.now() - started });
    this.restoring.set(path, progress);
    try {
      const { domain: d, keep } = await this.receive(sourceOf(stream), false, !paused);
      keep();
      this.log.info(`Domain ${d.name} restored from ${path} as id ${d.domid}`);
      return this.domains.record(d.domid);
    } finally {
      // Another restore of the same file since keeps its own.
      if (this.restoring.get(path) === progress) this.restoring.delete(path);
      stream.destroy();
    }
  }

  /**
   * A relocation server's `receive`: the domain built from the stream, then run here;
   * with the checksum of the memory it arrived with. `keep` is for after the `(ok)`.
   */
  async receiveRelocated(source: ByteSource): Promise<Incoming & { checksum: string }> {
    let checksum = '';
    const received = await this.receive(source, true, true, (d) => (checksum = this.hv.memoryChecksum(d.domid)));
    return { ...received, checksum };
  }

  /**
   * A relocation server's `xlreceive` (xl's live migration, through the sender's
   * relay): xend's record first, then `ready` is said and the backend's tool
   * builds and starts the domain from the rest of the connection.
   */
  async receiveByTool(source: ByteSource, sink: ByteSink, ready: () => void): Promise<HvDomain> {
    const receiveLive = this.hv.receiveLive?.bind(this.hv);
    if (!receiveLive) throw new XendError(`The ${this.hv.name} hypervisor backend cannot receive a domain xl sends`);
    const config = await readHeader(source);
    const release = this.hv.expectLive?.(String(childValue(config, 'uuid', '')));
    try {
      const { domain, keep } = await this.incoming(config, true, 'Receive', async (d) => {
        ready();
        await receiveLive(d.domid, source, sink);
      });
      keep();
      return domain;
    } finally {
      release?.();
    }
  }

  /**
   * Builds a domain from a stream (a restore, or a relocation server's `receive`):
   * created paused and marked incomplete until its memory and console arrived
   * (`arrived` sees it then, still paused), then run unless `run` is false.
   */
  private async receive(source: ByteSource, relocating: boolean, run: boolean, arrived?: (d: HvDomain) => void): Promise<Incoming> {
    const config = await readHeader(source);
    return this.incoming(config, relocating, 'Restore', async (d) => {
      await this.hv.restoreImage(d.domid, source);
      const history = await readConsoleRecord(source);
      // Migrating to this very host, the console (keyed by uuid) already holds it.
      if (!this.consoles.history(d.uuid)) this.consoles.seed(d.uuid, history);
      arrived?.(d);
    }, run);
  }

  /**
   * A domain created incomplete from `config`, made whole by `fill` and run if `run`;
   * whatever fails, nothing of it stays. The backend's one durable write of it whole is
   * all that stands between the stream's end and the domain running here; what else the
   * backend keeps of it waits for `keep`, which logs rather than throws.
   */
  private async incoming(config: Sxp, relocating: boolean, what: string, fill: (d: HvDomain) => Promise<void>, run = false): Promise<Incoming> {
    const d = await this.domains.createIncoming(config, relocating);
    try {
      await fill(d);
      const kept = await this.hv.finishIncoming(d.domid, run);
      const keep = () => {
        try {
          kept();
        } catch (err) {
          this.log.error(`Domain ${d.name} (${d.domid}) runs, but what it received was not kept on disk: ${(err as Error).message}`);
        }
      };
      return { domain: this.hv.get(d.domid)!, keep };
    } catch (err) {
      this.log.error(`${what} failed: ${(err as Error).message}`);
      this.hv.destroy(d.domid);
      throw err;
    }
  }

  /** xend.domain.migrate: blocks until the domain runs on `dst` (or stays here after a failure). */
  async migrate(dom: string, dst: string, live: boolean, port: number, ssl: boolean | null, changeHome: boolean): Promise<MigrationResult> {
    const d = this.domains.lookup(dom);
    this.checkMovable(d, 'migrate');
    if (changeHome) throw new XendError('Domain is not a managed domain');
    // xl carries a live migration itself (Hypervisor.sendLive), through xend's relay.
    const byTool = live && this.hv.sendLive !== undefined;
    // Before anything moves: the domain stays as it is, running here.
    if (live && !this.hv.migratesLive && !byTool) {
      throw new XendError(`The ${this.hv.name} hypervisor backend cannot migrate a domain live; without --live it is paused while its state is copied`);
    }
    // testMigrateDevices: pciif refused at the test step, before anything moved.
    if (deviceClasses(d.config).includes('pci')) throw new XendError('Migration not permitted with assigned PCI device.');
    const useSsl = ssl ?? this.settings.defaultSsl;
    if (byTool && useSsl) throw new XendError(`The ${this.hv.name} hypervisor backend's live migration goes over the relocation server without SSL; migrate without --ssl`);
    const target = port || (useSsl ? this.settings.sslPort : this.settings.relocationPort);
    const name = d.name;
    // Renamed meanwhile, as xend did: that name must be free too.
    this.domains.requireFreeName(`migrating-${name}`, d.uuid);
    const started = Date.now();
    const abort = new AbortController();
    const progress: MigrationProgress = { domain: name, destination: `${dst}:${target}`, phase: 'connecting', live, memoryPages: (d.memoryMiB * 1024) / 4 };
    // A destroy stops the migration while the stream is incomplete (the destination
    // then drops what it got); once the stream is whole the domain is the destination's.
    let destroyed = false;
    const release = this.depart(d, `migrated to ${dst}`, () => {
      if (progress.phase === 'waiting') throw new XendError(`Domain ${name} is being migrated to ${dst}; it cannot be destroyed until the migration ends`);
      destroyed = true;
      abort.abort();
    });
    this.inFlight.set(d.uuid, { progress, abort });
    const classes = deviceClasses(d.config);
    const migrationTool = (step: number, recover = false) => runMigrationTool(this.settings.externalTool, this.log, classes, step, dst, name, recover);
    const wasPaused = d.flags.paused;
    let socket: Socket | undefined;
    let step = 0;
    try {
      await migrationTool(0);
      if (byTool) {
        step = 1;
        await migrationTool(1);
        // As the stream below: the name is free meanwhile (the destination may be this very host).
        this.hv.updateRecord(d.domid, { name: `migrating-${name}` });
        progress.phase = 'copying';
        const stats = await this.hv.sendLive!(
          d.domid,
          { host: dst, port: target, header: headerRecord(renamed(this.domains.record(d.domid), name)) },
          {
            signal: abort.signal,
            progress: (p) => Object.assign(progress, p),
            acknowledged: () => {
              progress.phase = 'waiting';
              step = 2;
            },
          },
        );
        step = 3;
        await migrationTool(3);
        return this.migrated(d.uuid, progress, stats, started);
      }
      socket = await connectRelocation(dst, target, useSsl && this.settings.tls(dst), abort.signal);
      // A receiver that gives up says (err …) at once: stop sending rather than wait on a full socket.
      const incoming = collectReplies(socket, () => socket?.destroy());
      socket.write(useSsl ? 'sslreceive\n' : 'receive\n');
      await incoming.ready();
      step = 1;
      await migrationTool(1);
      this.hv.updateRecord(d.domid, { name: `migrating-${name}` });
      progress.phase = 'copying';
      const sink = sinkOf(socket);
      let stats: ImageStats;
      let suspendedAt = 0;
      try {
        await writeHeader(sink, renamed(this.domains.record(d.domid), name));
        stats = await this.hv.saveImage(d.domid, sink, {
          live,
          signal: abort.signal,
          suspend: async () => {
            // Down from here: the guest stops at the pause.
            suspendedAt = Date.now();
            this.hv.pause(d.domid, { transient: true });
            progress.phase = 'suspended';
            step = 2;
            await migrationTool(2);
          },
          progress: (p) => Object.assign(progress, p),
        });
        abort.signal.throwIfAborted();
        const whole = sink.write(consoleRecord(this.consoles.history(d.uuid)));
        progress.phase = 'waiting';
        await whole;
      } catch (err) {
        throw (await incoming.remoteError(dst)) ?? err;
      }
      await incoming.verdict(dst);
      step = 3;
      await migrationTool(3);
      // Down from the moment it stopped here until the destination said it runs there.
      stats.downtimeMs = Date.now() - suspendedAt;
      this.hv.destroy(d.domid);
      return this.migrated(d.uuid, progress, stats, started);
    } catch (err) {
      progress.phase = 'failed';
      socket?.destroy();
      if (step > 0) await migrationTool(step, true).catch(() => {});
      if (this.hv.get(d.domid)) {
        // xend logged this with the exception's traceback; its last line, the reason, is what an administrator reads.
        this.log.error(`Save failed on domain ${name} (${d.domid}) - resuming. ${(err as Error).message}`);
        await this.resume(d, name, wasPaused).catch((e: Error) => this.log.error(`Could not resume domain ${name} (${d.domid}): ${e.message}`));
      }
      if (destroyed) throw new XendError(`Domain ${name} was destroyed during its migration`);
      if (err instanceof XendError) throw err;
      if (abort.signal.aborted) throw new XendError('Migration cancelled');
      throw new XendError((err as Error).message);
    } finally {
      release();
      this.inFlight.delete(d.uuid);
    }
  }

  /** A migration's end: the domain is the destination's, this xend forgets it. */
  private migrated(uuid: string, progress: MigrationProgress, stats: ImageStats, started: number): MigrationResult {
    this.domains.released(uuid);
    progress.phase = 'done';
    this.log.info(`Domain ${progress.domain} migrated to ${progress.destination}: ${stats.rounds} rounds, ${stats.bytes} bytes, ${stats.downtimeMs} ms down`);
    return { ...stats, domain: progress.domain, destination: progress.destination, totalMs: Date.now() - started };
  }

  /** Not in xend: the checksum of a domain's memory, to check what a save or migration carried. */
  memoryChecksum(dom: string): string {
    return this.hv.memoryChecksum(this.domains.lookup(dom).domid);
  }

  /**
   * Progress of the save or migration of a domain (by the uuid or name it had when it
   * started, or its id), or of the restore of a file (by its path, as restore was given it).
   */
  progress(dom: string): MigrationProgress | RestoreProgress | null {
    const m = this.find(dom);
    return m ? { ...m.progress } : (this.restoring.get(dom)?.() ?? null);
  }

  /** Whether the save or migration of `dom` is cancelled: not once the destination has the whole domain and decides. */
  cancel(dom: string): boolean {
    const m = this.find(dom);
    if (!m || m.progress.phase === 'waiting') return false;
    m.abort.abort();
    return true;
  }

  private find(dom: string): { progress: MigrationProgress; abort: AbortController } | undefined {
    for (const [uuid, m] of this.inFlight) if (uuid === dom || m.progress.domain === dom) return m;
    // By id: a saved domain keeps its id until the save is done.
    const held = /^\d+$/.test(dom) ? this.hv.get(Number(dom)) : undefined;
    return held && this.inFlight.get(held.uuid);
  }

  /** The domain back as it was before a save or migration that failed: its name, and running if it ran. */
  private async resume(d: HvDomain, name: string, wasPaused: boolean): Promise<void> {
    if (!this.hv.get(d.domid)) return;
    this.hv.updateRecord(d.domid, { name });
    if (!wasPaused) await this.hv.unpause(d.domid);
  }

}

/** Writes all of `data`, waiting while a non-blocking pipe is full (a cancel or destroy meanwhile stops it). */
async function writeAll(file: FileHandle, data: Buffer, signal: AbortSignal): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    try {
      offset += (await file.write(data, offset)).bytesWritten;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}
