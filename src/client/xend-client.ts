import { decodeDomain, RECORD_KEYS, type DomainRecord } from '../protocol/domain.js';
import { XEND, argsInOrder, type MethodSpec, type XendApi } from '../protocol/methods.js';
import { listing } from './listing.js';
import type { CallOptions, Transport } from '../transport/types.js';
import type { ConsoleOptions } from '../transport/console-stream.js';
import type { Duplex } from 'node:stream';
import type { Sxp } from '../sxp/types.js';
import type { XmlRpcValue } from '../protocol/xmlrpc/index.js';

/**
 * The typed face of xend's legacy API. Commands call this and never see the
 * transport, so they work unchanged over every one of them.
 */
export class XendClient {
  private calls: XendApi | undefined;

  constructor(private readonly transport: Transport) {}

  /**
   * Every method of the contract (src/protocol/methods.ts) as a typed call; the methods below
   * add decoding. Made on first use: `xm list` needs none of its ~150 functions.
   */
  get api(): XendApi {
    return (this.calls ??= Object.fromEntries(
      Object.entries(XEND).map(([key, m]) => [key, (args?: Record<string, XmlRpcValue>) => this.call(m, args)]),
    ) as unknown as XendApi);
  }

  private call(m: MethodSpec, args: Record<string, XmlRpcValue> = {}, opts?: CallOptions): Promise<XmlRpcValue> {
    return this.transport.call(m.name, argsInOrder(m, args), opts);
  }

  async domainSxp(dom: string, full = false): Promise<Sxp> {
    return this.api.domain({ dom, full: full ? 1 : 0 });
  }

  async domain(dom: string): Promise<DomainRecord> {
    return decodeDomain(await this.domainSxp(dom));
  }

  /** Every domain's SXP. */
  async domainsSxp(state = 'all', full = false): Promise<Sxp[]> {
    return (await this.call(XEND.domains_with_state, { detail: true, state, full: full ? 1 : 0 })) as Sxp[];
  }

  /** Every domain's brief SXP, of which only the children of `keys` are needed, each as `each` makes it as it is read. */
  listing<T>(state: string, keys: ReadonlySet<string>, each: (sxp: Sxp) => T): Promise<T[]> {
    return listing(this.transport, state, keys, each);
  }

  async domains(state = 'all'): Promise<DomainRecord[]> {
    return this.listing(state, RECORD_KEYS, decodeDomain);
  }

  async domainNames(state = 'all'): Promise<string[]> {
    return (await this.api.domains_with_state({ detail: false, state, full: 0 })) as string[];
  }

  async create(config: Sxp): Promise<DomainRecord> {
    return decodeDomain(await this.api.create({ config }));
  }

  async destroy(dom: string): Promise<void> {
    await this.api.destroy({ dom });
  }

  async pause(dom: string): Promise<void> {
    await this.api.pause({ dom });
  }

  async unpause(dom: string): Promise<void> {
    await this.api.unpause({ dom });
  }

  async shutdown(dom: string, reason: string): Promise<void> {
    await this.api.shutdown({ dom, reason });
  }

  async waitForDevices(dom: string): Promise<void> {
    await this.api.waitForDevices({ dom });
  }

  async setMemoryTarget(dom: string, mib: number): Promise<void> {
    await this.api.setMemoryTarget({ dom, target: mib });
  }

  async setVcpuCount(dom: string, count: number): Promise<void> {
    await this.api.setVCpuCount({ dom, vcpus: count });
  }

  async rename(dom: string, name: string): Promise<void> {
    await this.api.setName({ dom, name });
  }

  async vcpuInfo(dom: string): Promise<Sxp> {
    return this.api.getVCPUInfo({ dom });
  }

  console(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    return this.transport.openConsole(dom, opts);
  }

  async save(dom: string, path: string, checkpoint: boolean): Promise<void> {
    await this.api.save({ dom, file: path, checkpoint });
  }

  async restore(path: string, paused: boolean): Promise<DomainRecord> {
    return decodeDomain(await this.api.restore({ file: path, paused }));
  }

  /** Blocks until the domain runs on `host`; resolves to what the migration moved. */
  async migrate(dom: string, host: string, o: { live: boolean; port: number; node: number; ssl: boolean | null; changeHome: boolean }): Promise<Record<string, unknown> | null> {
    return (await this.api.migrate({ dom, destination: host, live: o.live, port: o.port, node: o.node, ssl: o.ssl, change_home_server: o.changeHome })) as Record<string, unknown> | null;
  }

  async migrateProgress(dom: string): Promise<Record<string, unknown> | null> {
    return (await this.api.migrateProgress({ dom })) as Record<string, unknown> | null;
  }

  async migrateCancel(dom: string): Promise<void> {
    await this.api.migrateCancel({ dom });
  }

  async setMaxMemory(dom: string, mib: number): Promise<void> {
    await this.api.maxmem_set({ dom, memory: mib });
  }

  /** `vcpu` a number or `all`; `cpumap` the CPUs as "0,1,3". */
  async pinVcpu(dom: string, vcpu: string, cpumap: string): Promise<void> {
    await this.api.pincpu({ dom, vcpu, cpumap });
  }

  async schedCredit(dom: string): Promise<{ weight: number; cap: number }> {
    const r = (await this.api.sched_credit_get({ dom })) as Record<string, unknown> | null;
    return { weight: Number(r?.weight ?? -1), cap: Number(r?.cap ?? -1) };
  }

  /** null leaves a parameter as it is (xend's None). */
  async setSchedCredit(dom: string, weight: number | null, cap: number | null): Promise<number> {
    return Number((await this.api.sched_credit_set({ dom, weight, cap })) ?? 0);
  }

  async sysrq(dom: string, key: string): Promise<void> {
    await this.api.send_sysrq({ dom, key });
  }

  async trigger(dom: string, name: string, vcpu: number): Promise<void> {
    await this.api.send_trigger({ dom, name, vcpu });
  }

  async reset(dom: string): Promise<void> {
    await this.api.reset({ dom });
  }

  /** Resolves to the core file xend wrote (null from a server that does not say). */
  async dumpCore(dom: string, file: string | null, o: { live: boolean; crash: boolean; reset: boolean }): Promise<string | null> {
    const r = await this.api.dump({ dom, file, live: o.live, crash: o.crash, reset: o.reset });
    return typeof r === 'string' && r ? r : null;
  }

  /** Defines a managed domain (xend.domain.new); `name` is kept for callers' messages. */
  async newDomain(config: Sxp): Promise<void> {
    await this.api.new({ config });
  }

  async start(dom: string, paused: boolean): Promise<void> {
    await this.api.start({ dom, paused });
  }

  async deleteDomain(dom: string): Promise<void> {
    await this.api.delete({ dom });
  }

  async suspend(dom: string): Promise<void> {
    await this.api.suspend({ dom });
  }

  async resume(dom: string, paused: boolean): Promise<void> {
    await this.api.resume({ dom, paused });
  }

  async nodeInfo(numa = false): Promise<[string, Sxp][]> {
    return (await this.api.node_info({ show_numa: numa ? 1 : 0 })) as [string, Sxp][];
  }

  async dmesg(): Promise<string> {
    return String(await this.api.node_dmesg_info());
  }

  async dmesgClear(): Promise<string> {
    return String(await this.api.node_dmesg_clear());
  }

  async log(): Promise<string> {
    return String(await this.api.node_log());
  }
}
