import { randomUUID } from 'node:crypto';
import { DurableDir } from '../../store/durable.js';
import { SCHEDULERS, type HvCpuPool, type PoolLabel, type Scheduler } from '../types.js';
import { toolError, type XenRunner } from './runner.js';
import { parseDomainPools, parsePoolCpus, parsePoolList, parseXenstoreLs, poolIds } from './parse.js';

/** What xl takes as a pool's name in its config (`name="…"`): xend's pool names fit. */
const POOL_NAME = /^[A-Za-z0-9_\-.:/+]{1,128}$/;
/** Handles for pools whose id xenstore does not tell (xl names pools; xend numbers them). */
const UNNUMBERED = 0x10000;
const TIMEOUT_MS = 30_000;

/** What one reading of the host's pools found. */
interface PoolView {
  pools: HvCpuPool[];
  /** The pool each domain runs in, by domid. */
  members: Map<number, number>;
}

/**
 * Xen's CPU pools through `xl cpupool-*`. xl knows pools by name, xend by id
 * (libxl's, from xenstore's /local/pool/<id>/name; Pool-0 is 0); the label xend
 * gives a pool (its uuid, description, other_config) is kept on disk by name, as
 * xend kept it in xenstore, so it outlives xend. Changes run one at a time and
 * are answered once a new reading shows them.
 */
export class XenPools {
  private view: PoolView = { pools: [], members: new Map() };
  private readonly labels: DurableDir<PoolLabel>;
  private readonly handles = new Map<string, number>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly runner: XenRunner,
    dir: string,
    private readonly host: () => { nrCpus: number; scheduler: string },
  ) {
    this.labels = new DurableDir(dir);
  }

  /** The pools as last read; until a reading succeeds, the one pool Xen boots with. */
  list(): HvCpuPool[] {
    if (this.view.pools.length) return this.view.pools;
    const { nrCpus, scheduler } = this.host();
    return [{ id: 0, sched: schedulerOf(scheduler), cpus: Array.from({ length: nrCpus }, (_, i) => i), label: this.labelOf('Pool-0') }];
  }

  /** The pool a domain runs in; undefined before a reading saw it. */
  poolOf(domid: number): number | undefined {
    return this.view.members.get(domid);
  }

  /** Whether any pool beside Pool-0 exists (only then does a domain's pool need reading). */
  partitioned(): boolean {
    return this.view.pools.some((p) => p.id !== 0);
  }

  /** The first reading, while xend starts (xl run synchronously). */
  loadSync(): void {
    const read = (tool: 'xl' | 'xenstore-ls', args: string[]) => this.runner.runSync(tool, args, { timeoutMs: TIMEOUT_MS }).stdout;
    this.view = this.viewOf(read('xl', ['cpupool-list']), read('xl', ['cpupool-list', '-c']), this.tryStore(() => read('xenstore-ls', ['-f', '/local/pool'])), read('xl', ['list', '-c']));
  }

  /** Reads the pools again (after a change, or a domain built in a pool). */
  refresh(): Promise<void> {
    return this.serial(() => this.read());
  }

  async create(sched: Scheduler, label: PoolLabel): Promise<number> {
    const name = poolName(label.name);
    if (schedulerOf(sched) !== sched) throw new Error(`scheduler ${String(sched).slice(0, 16)} is not one xl runs`);
    return this.serial(async () => {
      this.labels.write(fileKey(name), label);
      try {
        await this.xl(['cpupool-create', `name="${name}"`, `sched="${sched}"`]);
      } catch (err) {
        this.labels.remove(fileKey(name));
        throw err;
      }
      await this.read();
      const id = this.view.pools.find((p) => p.label?.name === name)?.id;
      if (id === undefined) throw new Error(`xl created pool ${name}, but xl cpupool-list does not show it`);
      return id;
    });
  }

  destroy(id: number): Promise<void> {
    return this.change(id, (name) => ['cpupool-destroy', name], () => true, (name) => this.labels.remove(fileKey(name)));
  }

  addCpu(id: number, cpu: number): Promise<void> {
    return this.change(id, (name) => ['cpupool-cpu-add', name, String(cpu)], () => this.cpusOf(id).includes(cpu));
  }

  removeCpu(id: number, cpu: number): Promise<void> {
    return this.change(id, (name) => ['cpupool-cpu-remove', name, String(cpu)], () => !this.cpusOf(id).includes(cpu));
  }

  /** xl cpupool-migrate; nothing to do for a domain already there (xl.cfg's pool= put it there). */
  move(domid: number, id: number): Promise<void> {
    if (this.poolOf(domid) === id) return Promise.resolve();
    return this.change(id, (name) => ['cpupool-migrate', String(domid), name]);
  }

  /**
   * One xl cpupool command on the pool `id`, then a new reading, which must show
   * that it `took`: xl's cpupool-cpu-add and -remove end well when libxl refused,
   * saying why on stderr only.
   */
  private change(id: number, args: (name: string) => string[], took: () => boolean = () => true, done?: (name: string) => void): Promise<void> {
    return this.serial(async () => {
      const name = this.nameOf(id);
      const argv = args(name);
      const { stderr } = await this.runner.run('xl', argv, { timeoutMs: TIMEOUT_MS });
      done?.(name);
      await this.read();
      if (!took()) throw toolError('xl', argv, stderr, new Error('the pool is unchanged'));
    });
  }

  private cpusOf(id: number): number[] {
    return this.view.pools.find((p) => p.id === id)?.cpus ?? [];
  }

  private nameOf(id: number): string {
    const name = this.view.pools.find((p) => p.id === id)?.label?.name;
    if (name === undefined) throw new Error(`no CPU pool ${id} on this host`);
    return name;
  }

  private async read(): Promise<void> {
    // One xl after the other: xl runs that overlap a pool change have failed on a real host.
    const list = await this.xl(['cpupool-list']);
    const cpus = await this.xl(['cpupool-list', '-c']);
    const store = await this.runner.run('xenstore-ls', ['-f', '/local/pool'], { timeoutMs: TIMEOUT_MS }).then((r) => r.stdout, () => '');
    this.view = this.viewOf(list, cpus, store, await this.xl(['list', '-c']));
  }

  private viewOf(list: string, cpuText: string, store: string, memberText: string): PoolView {
    const ids = poolIds(parseXenstoreLs(store));
    const cpus = parsePoolCpus(cpuText, this.host().nrCpus);
    const pools = parsePoolList(list).map((row): HvCpuPool => {
      const id = ids.get(row.name) ?? (row.name === 'Pool-0' ? 0 : this.handle(row.name));
      return { id, sched: schedulerOf(row.sched), cpus: cpus.get(row.name) ?? [], label: this.labelOf(row.name) };
    });
    const byName = new Map(pools.map((p) => [p.label!.name, p.id]));
    const members = new Map<number, number>();
    for (const [domid, pool] of parseDomainPools(memberText)) members.set(domid, byName.get(pool) ?? 0);
    return { pools, members };
  }

  /** xend's label of the pool, or a new one (kept) for a pool xl made. */
  private labelOf(name: string): PoolLabel {
    const kept = this.labels.read(fileKey(name));
    if (kept?.name === name) return kept;
    const label = { uuid: randomUUID(), name, description: name, otherConfig: {} };
    if (POOL_NAME.test(name)) this.labels.write(fileKey(name), label);
    return label;
  }

  private handle(name: string): number {
    if (!this.handles.has(name)) this.handles.set(name, UNNUMBERED + this.handles.size);
    return this.handles.get(name)!;
  }

  private tryStore(read: () => string): string {
    try {
      return read();
    } catch {
      return '';
    }
  }

  private async xl(args: string[]): Promise<string> {
    return (await this.runner.run('xl', args, { timeoutMs: TIMEOUT_MS })).stdout;
  }

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const done = this.queue.then(step);
    this.queue = done.catch(() => undefined);
    return done;
  }
}

/** A scheduler xl names as one of xend's (a pool of another, say rtds, is shown as credit's). */
const schedulerOf = (name: string): Scheduler => ((SCHEDULERS as readonly string[]).includes(name) ? (name as Scheduler) : 'credit');

/** A pool name as a file name (it may hold a '/'). */
const fileKey = (name: string) => Buffer.from(name).toString('hex');

function poolName(name: string): string {
  // xl reads a name of digits as a pool's id.
  if (!POOL_NAME.test(name) || /^\d+$/.test(name)) throw new Error(`pool name "${name.slice(0, 64)}" is not one xl takes`);
  return name;
}
