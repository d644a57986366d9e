import { decodeDomain, type DomainRecord } from '../protocol/domain.js';
import type { Transport } from '../transport/types.js';
import type { ConsoleOptions } from '../transport/console-stream.js';
import type { Duplex } from 'node:stream';
import type { Sxp } from '../sxp/types.js';

/**
 * The typed face of xend's legacy API. Commands call this and never see the
 * transport, so they work unchanged over every one of them.
 */
export class XendClient {
  constructor(private readonly transport: Transport) {}

  private call(method: string, ...params: Sxp[]): Promise<unknown> {
    return this.transport.call(method, params);
  }

  private async text(method: string, ...params: Sxp[]): Promise<string> {
    return String(await this.call(method, ...params));
  }

  async domainSxp(dom: string, full = false): Promise<Sxp> {
    return (await this.call('xend.domain', dom, full ? 1 : 0)) as Sxp;
  }

  async domain(dom: string): Promise<DomainRecord> {
    return decodeDomain(await this.domainSxp(dom));
  }

  async domainsSxp(state = 'all', full = false): Promise<Sxp[]> {
    return (await this.call('xend.domains_with_state', true, state, full ? 1 : 0)) as Sxp[];
  }

  async domains(state = 'all'): Promise<DomainRecord[]> {
    return (await this.domainsSxp(state)).map(decodeDomain);
  }

  async domainNames(state = 'all'): Promise<string[]> {
    return (await this.call('xend.domains_with_state', false, state, 0)) as string[];
  }

  async create(config: Sxp): Promise<DomainRecord> {
    return decodeDomain((await this.call('xend.domain.create', config)) as Sxp);
  }

  async destroy(dom: string): Promise<void> {
    await this.call('xend.domain.destroy', dom);
  }

  async pause(dom: string): Promise<void> {
    await this.call('xend.domain.pause', dom);
  }

  async unpause(dom: string): Promise<void> {
    await this.call('xend.domain.unpause', dom);
  }

  async shutdown(dom: string, reason: string): Promise<void> {
    await this.call('xend.domain.shutdown', dom, reason);
  }

  async waitForDevices(dom: string): Promise<void> {
    await this.call('xend.domain.waitForDevices', dom);
  }

  async setMemoryTarget(dom: string, mib: number): Promise<void> {
    await this.call('xend.domain.setMemoryTarget', dom, mib);
  }

  async setVcpuCount(dom: string, count: number): Promise<void> {
    await this.call('xend.domain.setVCpuCount', dom, count);
  }

  async rename(dom: string, name: string): Promise<void> {
    await this.call('xend.domain.setName', dom, name);
  }

  async vcpuInfo(dom: string): Promise<Sxp> {
    return (await this.call('xend.domain.getVCPUInfo', dom)) as Sxp;
  }

  console(dom: string, opts: ConsoleOptions): Promise<Duplex> {
    return this.transport.openConsole(dom, opts);
  }

  async save(dom: string, path: string, checkpoint: boolean): Promise<void> {
    await this.call('xend.domain.save', dom, path, checkpoint);
  }

  async restore(path: string, paused: boolean): Promise<DomainRecord> {
    return decodeDomain((await this.call('xend.domain.restore', path, paused)) as Sxp);
  }

  /** Blocks until the domain runs on `host`; resolves to what the migration moved. */
  async migrate(dom: string, host: string, o: { live: boolean; port: number; node: number; ssl: boolean | null; changeHome: boolean }): Promise<Record<string, unknown> | null> {
    return (await this.call('xend.domain.migrate', dom, host, o.live, o.port, o.node, o.ssl, o.changeHome)) as Record<string, unknown> | null;
  }

  async migrateProgress(dom: string): Promise<Record<string, unknown> | null> {
    return (await this.call('xend.domain.migrateProgress', dom)) as Record<string, unknown> | null;
  }

  async migrateCancel(dom: string): Promise<void> {
    await this.call('xend.domain.migrateCancel', dom);
  }

  async setMaxMemory(dom: string, mib: number): Promise<void> {
    await this.call('xend.domain.maxmem_set', dom, mib);
  }

  /** `vcpu` a number or `all`; `cpumap` the CPUs as "0,1,3". */
  async pinVcpu(dom: string, vcpu: string, cpumap: string): Promise<void> {
    await this.call('xend.domain.pincpu', dom, vcpu, cpumap);
  }

  async schedCredit(dom: string): Promise<{ weight: number; cap: number }> {
    const r = (await this.call('xend.domain.sched_credit_get', dom)) as Record<string, unknown> | null;
    return { weight: Number(r?.weight ?? -1), cap: Number(r?.cap ?? -1) };
  }

  /** null leaves a parameter as it is (xend's None). */
  async setSchedCredit(dom: string, weight: number | null, cap: number | null): Promise<number> {
    return Number((await this.call('xend.domain.sched_credit_set', dom, weight, cap)) ?? 0);
  }

  async sysrq(dom: string, key: string): Promise<void> {
    await this.call('xend.domain.send_sysrq', dom, key);
  }

  async trigger(dom: string, name: string, vcpu: number): Promise<void> {
    await this.call('xend.domain.send_trigger', dom, name, vcpu);
  }

  async reset(dom: string): Promise<void> {
    await this.call('xend.domain.reset', dom);
  }

  /** Resolves to the core file xend wrote (null from a server that does not say). */
  async dumpCore(dom: string, file: string | null, o: { live: boolean; crash: boolean; reset: boolean }): Promise<string | null> {
    const r = await this.call('xend.domain.dump', dom, file, o.live, o.crash, o.reset);
    return typeof r === 'string' && r ? r : null;
  }

  /** Defines a managed domain (xend.domain.new); `name` is kept for callers' messages. */
  async newDomain(config: Sxp): Promise<void> {
    await this.call('xend.domain.new', config);
  }

  async start(dom: string, paused: boolean): Promise<void> {
    await this.call('xend.domain.start', dom, paused);
  }

  async deleteDomain(dom: string): Promise<void> {
    await this.call('xend.domain.delete', dom);
  }

  async suspend(dom: string): Promise<void> {
    await this.call('xend.domain.suspend', dom);
  }

  async resume(dom: string, paused: boolean): Promise<void> {
    await this.call('xend.domain.resume', dom, paused);
  }

  async nodeInfo(numa = false): Promise<[string, Sxp][]> {
    return (await this.call('xend.node.info', numa ? 1 : 0)) as [string, Sxp][];
  }

  dmesg(): Promise<string> {
    return this.text('xend.node.dmesg.info');
  }

  dmesgClear(): Promise<string> {
    return this.text('xend.node.dmesg.clear');
  }

  log(): Promise<string> {
    return this.text('xend.node.log');
  }
}
