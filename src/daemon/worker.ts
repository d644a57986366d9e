import { closeSync, rmSync, writeSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDirs } from '../make-dirs.js';
import { XendLog, type LevelName, type Logger } from './log.js';
import { loadSettings, type XendSettings } from './settings.js';
import { DomainService } from './domains.js';
import { NodeService } from './node.js';
import { TmemService } from './tmem.js';
import { ConsoleService } from './console.js';
import { consoleUpgrade } from './servers/console.js';
import { CheckpointService } from './checkpoint.js';
import { relocationHandler, relocationSenderTls, startRelocationServers } from './servers/relocation.js';
import { legacyMethods } from './methods.js';
import { CpuPoolService } from './cpupools.js';
import { SchedulerService } from './schedulers.js';
import { DeviceService } from './devices/service.js';
import { startManagementServers } from './servers/management.js';
import { describeEndpoint, type Listener } from './servers/listen.js';
import { writeStatus } from './status.js';
import { createHypervisor, type BackendOptions } from '../hypervisor/index.js';
import { parseHostDevices } from '../hypervisor/host-devices.js';
import { ManagedService } from './managed.js';
import { PassthroughService } from './passthrough.js';
import { ManagedStore } from './managed-store.js';
import { RestartJournal } from './restart-journal.js';
import { AcceptedConfigs } from './accepted-configs.js';
import { Scripts, withHotplug } from './scripts.js';
import type { ConfigRules } from './path-policy.js';
import { rooted } from '../config/paths.js';
import { VERSION } from '../version.js';
import type { XendPaths } from '../config/paths.js';
import type { Hypervisor } from '../hypervisor/types.js';

export interface WorkerOptions {
  paths: XendPaths;
  /** Where to report readiness ('0') or failure ('1 reason') to `xend start`. */
  statusFd: number | null;
  trace: boolean;
  monitorPid: number | null;
}

/**
 * The xend worker process: loads the config, adopts the hypervisor's domains,
 * starts every configured server, and only then reports ready. SIGTERM stops it,
 * SIGHUP re-reads the config and recreates the management servers.
 */
export async function runWorker(opts: WorkerOptions): Promise<void> {
  let log: XendLog | undefined;
  let hv: Hypervisor | undefined;
  let servers: Listener[] = [];
  try {
    const settings = loadSettings(opts.paths);
    log = new XendLog(settings.logFile, settings.options.loglevel as LevelName);
    const logger = log.logger('SrvDaemon');
    logger.info('Xend Daemon started');
    for (const w of settings.warnings) logger.warning(w);

    let domains: DomainService | undefined;
    const consoles = new ConsoleService(Number(settings.options['console-limit']) * 1024);
    const rules = configRules(settings, opts.paths.root);
    const scripts = new Scripts(
      {
        dir: rules.scriptsDir,
        networkScript: settings.options['network-script'] as string | null,
        vifScript: String(settings.options['vif-script'] ?? 'vif-bridge'),
        allowForeign: rules.allowForeignScripts,
      },
      log.logger('XendScripts'),
    );
    await scripts.network('start');
    hv = withHotplug(createHypervisor(backendOptions(settings), {
      onShutdown: (id, reason) => domains?.onShutdown(id, reason),
      onConsoleOutput: (id, text) => {
        const uuid = hv?.get(id)?.uuid;
        if (uuid) consoles.output(uuid, text);
      },
    }, logger), scripts);
    logger.info(`Xend changeset: ${hv.hostInfo().xen_changeset}.`);
    const store = new ManagedStore(settings.domainsDir, (w) => logger.warning(w));
    const dumpDir = rooted(opts.paths.root, '/var/xen/dump');
    // Before the domains: a domain starts in the pool its config names.
    const pools = new CpuPoolService(hv, settings.stateDir, log.logger('XendCPUPool'));
    pools.recover();
    let passthrough: PassthroughService | undefined;
    domains = new DomainService(hv, balloonPolicy(settings), log.logger('XendDomain'), (uuid) => consoles.close(uuid, 'destroyed'), {
      managed: store,
      dumpDir,
      enableDump: Boolean(settings.options['enable-dump']),
      journal: new RestartJournal(join(settings.stateDir, 'restarts')),
      rules,
      asideDir: join(settings.stateDir, 'set-aside'),
      accepted: new AcceptedConfigs(join(settings.stateDir, 'accepted-configs.json')),
      pools,
      // Not while xend recovers its domains: what they hold is theirs already.
      checkDevices: (c) => passthrough?.checkFree(c),
    });
    // From here on, the hypervisor that keeps the registry's index true.
    hv = domains.hv;
    // A line per domain adopted ("Recreating domain …"), written together.
    const adopting = domains;
    await log.batch(() => adopting.recover());
    const node = new NodeService(hv, settings.logFile);
    const o = settings.options;
    const checkpoints = new CheckpointService(hv, domains, consoles, log.logger('XendCheckpoint'), {
      tls: relocationSenderTls(o['xend-relocation-ssl-ca-file'] as string | null, log.logger('XendCheckpoint')),
      relocationPort: Number(o['xend-relocation-port']),
      sslPort: Number(o['xend-relocation-ssl-port']),
      defaultSsl: Boolean(o['xend-relocation-ssl']),
      externalTool: String(o['external-migration-tool'] ?? ''),
      journalDir: join(settings.stateDir, 'migrations'),
    });
    checkpoints.recover();
    const relocationLog = log.logger('relocate');
    const startRelocation = (s: XendSettings) => startRelocationServers(s, opts.paths, relocationHandler(checkpoints, relocationLog, s.limits.relocationIdleMs), logger);
    let relocation = await startRelocation(settings);
    const trace = opts.trace ? (line: string) => appendFileSync(opts.paths.traceFile, `${line}\n`) : undefined;
    const managed = new ManagedService(store, domains, checkpoints, hv, log.logger('XendDomain'));
    managed.recover();
    const devices = new DeviceService(domains, log.logger('XendDomainInfo'), rules);
    passthrough = new PassthroughService(hv, domains, log.logger('XendDomain'));
    const methods = legacyMethods({ domains, node, checkpoints, managed, tmem: new TmemService(hv), pools, schedulers: new SchedulerService(domains, pools), devices, passthrough });

    const upgrade = consoleUpgrade(domains, consoles);
    const startServers = (fresh: XendSettings) => {
      // Confined clients may name files only in these; without them every such request is refused.
      for (const dir of [fresh.savePath, dumpDir]) {
        try {
          makeDirs(dir, 0o700);
        } catch (err) {
          logger.warning(`Cannot create ${dir}: ${(err as Error).message}`);
        }
      }
      return startManagementServers(fresh, opts.paths, { methods, upgrade, dirs: { save: fresh.savePath, dump: dumpDir }, rules }, logger, trace);
    };
    servers = await startServers(settings);
    await pools.autostart();
    await managed.autostart();
    publishStatus(opts, hv.name, settings, [...servers, ...relocation]);
    // The verdict, then the configuration's warnings for xend start to show (they are in the log too).
    report(opts.statusFd, ['0', ...settings.warnings.map((w) => w.replace(/\s+/g, ' '))].join('\n'));

    /**
     * The relocation servers are recreated only when their options changed: closing one stops
     * its listening at once, and a migration it is receiving runs on to its end.
     */
    const reloadRelocation = async (old: Listener[], before: XendSettings, after: XendSettings): Promise<Listener[]> => {
      if (relocationOptions(before) === relocationOptions(after)) return old;
      for (const l of old) void l.close();
      try {
        return await startRelocation(after);
      } catch (err) {
        logger.error(`Reload failed: ${(err as Error).message}; relocation servers as before`);
        return startRelocation(before);
      }
    };
    const liveHv = hv;
    const liveLog = log;
    let current = settings;
    process.on('SIGHUP', () => {
      void (async () => {
        logger.info('Restarting all XML-RPC and Xen-API servers...');
        try {
          const fresh = loadSettings(opts.paths);
          const previous = current;
          await Promise.all(servers.map((l) => l.close()));
          try {
            servers = await startServers(fresh);
            current = fresh;
            liveLog.setLevel(fresh.options.loglevel as LevelName);
          } catch (err) {
            // A server the new config cannot start (a port taken): xend must not be left unreachable.
            logger.error(`Reload failed: ${(err as Error).message}; serving with the previous configuration`);
            servers = await startServers(current);
          }
          relocation = await reloadRelocation(relocation, previous, fresh);
          publishStatus(opts, liveHv.name, current, [...servers, ...relocation]);
        } catch (err) {
          logger.error(`Reload failed: ${(err as Error).message}`);
        }
      })();
    });
    let stopping = false;
    const stop = (signal: string) => {
      // `xend stop` signals both the worker and its monitor, which forwards: stop once.
      if (stopping) return;
      stopping = true;
      void (async () => {
        logger.info(`Xend stopping on ${signal}`);
        await Promise.all([...servers, ...relocation].map((l) => l.close()));
        for (const l of [...servers, ...relocation]) if (l.endpoint.kind === 'unix') rmSync(l.endpoint.path, { force: true });
        await liveLog.batch(() => managed.autostop()).catch((err: Error) => logger.error(`on_xend_stop: ${err.message}`));
        await scripts.network('stop');
        await scripts.drain();
        liveHv.close();
        liveLog.close();
        rmSync(opts.paths.statusFile, { force: true });
        process.exit(0);
      })();
    };
    // One failed callback (a backend event, a client's socket) must not take every domain's manager down.
    process.on('uncaughtException', (err) => logger.error(`Unexpected error: ${err.stack ?? err.message}`));
    process.on('unhandledRejection', (err) => logger.error(`Unexpected error: ${(err as Error)?.stack ?? String(err)}`));
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    const message = (err as Error).message;
    process.stderr.write(`Exception starting xend: ${message}\n`);
    log?.logger('SrvDaemon').error(`Exception starting xend (${message})`);
    await Promise.all(servers.map((l) => l.close()));
    hv?.close();
    report(opts.statusFd, `1 ${message}`);
    // Listeners opened before the failure would keep a half-started worker alive.
    process.exit(1);
  }
}

/** What domain configs may name on this host (read at start, as the relocation servers are). */
function configRules(s: XendSettings, root: string): ConfigRules {
  return {
    imageDirs: s.imageDirs,
    blockDevices: String(s.options['xend-domain-block-devices']).split(/\s+/).filter(Boolean),
    passthrough: Boolean(s.options['xend-domain-passthrough']),
    scriptsDir: rooted(root, '/etc/xen/scripts'),
    allowForeignScripts: Boolean(s.options['xend-allow-foreign-scripts']),
  };
}

/** The backend xend-hypervisor names (the simulated host unless told otherwise), with the options that are its own. */
function backendOptions(s: XendSettings): BackendOptions {
  const o = s.options;
  if (o['xend-hypervisor'] === 'qemu') {
    return { kind: 'qemu', stateDir: s.stateDir, binary: String(o['qemu-binary']), accel: String(o['qemu-accel']), user: String(o['qemu-user'] ?? '') };
  }
  if (o['xend-hypervisor'] === 'xen') {
    // xl's live migration runs this very xend as its relay (`xend __xl-relay`).
    const relay = process.argv[1] ? [process.execPath, process.argv[1], '__xl-relay'] : [];
    return { kind: 'xen', stateDir: s.stateDir, xlBinary: String(o['xen-xl-binary'] ?? ''), consoleLogDir: String(o['xen-console-log-dir'] ?? ''), relay };
  }
  return {
    kind: 'sim',
    stateDir: s.stateDir,
    cpus: Number(o['sim-host-cpus']),
    memoryMiB: Number(o['sim-host-memory']),
    dom0Cpus: Number(o['dom0-cpus']),
    devices: parseHostDevices(o['sim-host-devices']),
    // Tests shorten the time a simulated guest takes to shut down.
    shutdownDelayMs: Number(process.env.XEND_SIM_SHUTDOWN_MS ?? 800),
  };
}

function balloonPolicy(s: XendSettings) {
  return { enabled: Boolean(s.options['enable-dom0-ballooning']), dom0MinMiB: Number(s.options['dom0-min-mem']) };
}

function publishStatus(opts: WorkerOptions, hypervisor: string, s: XendSettings, servers: Listener[]): void {
  writeStatus(opts.paths.statusFile, {
    pid: process.pid,
    monitorPid: opts.monitorPid,
    startedAt: Date.now() / 1000,
    version: VERSION,
    hypervisor,
    sockets: servers.map((x) => describeEndpoint(x.endpoint)),
    logFile: s.logFile,
  });
}

function report(fd: number | null, message: string): void {
  if (fd === null) return;
  try {
    writeSync(fd, message);
    closeSync(fd);
  } catch {
    // the starter gave up waiting; the log has the story
  }
}

export type { Logger };

/** What the relocation servers are made from, to tell whether a reload changed them. */
function relocationOptions(s: XendSettings): string {
  return JSON.stringify(Object.entries(s.options).filter(([name]) => name.startsWith('xend-relocation')));
}
