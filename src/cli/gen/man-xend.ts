/**
 * xend(8): the daemon's commands, servers, processes, logs and files. Ports,
 * switches and paths come from the option table and paths.ts, so they follow the code.
 */
import { OPTION_DEFAULTS } from '../../config/xend-options.js';
import { xendPaths } from '../../config/paths.js';
import { CAPPED_FROM_BYTES, GROWING_NODE_MAJOR, MAX_SEMI_SPACE_MIB } from '../../daemon/v8-flags.js';
import { Page, b, ref, t } from './roff.js';

/** `xend <command>`, with what each does and its exit status (src/daemon/main.ts). */
export const XEND_COMMANDS: readonly [string, string][] = [
  [
    'start',
    'Start xend in the background: a monitor process, which starts the worker and restarts it if it dies of a signal other than TERM or INT. The worker first adopts every guest the hypervisor still runs ("Recreating domain N" in xend.log), then starts the configured servers. Exits 0 once every one of them listens, or at once if xend already runs; 1, with the reason on stderr, if it could not start.',
  ],
  ['stop', 'Send SIGTERM to the worker and wait (bounded) for it and its monitor to exit, so that a following start never races. Always exits 0, as xend did; when nothing was running it says so on stderr, naming the pid file. Guests keep running.'],
  ['restart', 'stop, then start.'],
  ['reload', 'Send SIGHUP to the worker: it re-reads xend-config.sxp and recreates the management servers without touching any domain; a file with a bad value, or a server the new configuration cannot start, leaves xend serving with the previous configuration (the reason is in xend.log). Exits 0.'],
  ['status', 'Print nothing; exit 0 if xend runs, 3 if not (LSB). With --json, print the pid, uptime, version, hypervisor, sockets, log file and the pid file read as one JSON document (running false and the pid file when xend is down).'],
  ['trace_start', 'Like start, and also write one line per request to xend.trace.'],
  ['foreground', 'Run the worker in the foreground, without a monitor, for service managers (systemd Type=simple). The same as XEND_DAEMONIZE=0 xend start.'],
];

const onOff = (v: unknown) => (v ? 'on' : 'off');

export function xendPage(version: string): string {
  const d = OPTION_DEFAULTS;
  const p = xendPaths({});
  const page = new Page('XEND', 8, `xend-suite ${version}`, 'Xen management');
  page.sh('NAME').text(t('xend - Xen management daemon'));

  page.sh('SYNOPSIS');
  page.text(`${b('xend')} ${XEND_COMMANDS.map(([c]) => b(c)).join(' | ')}`);

  page.sh('DESCRIPTION');
  page.text(
    t(
      'xend is the management daemon behind xm(1). It keeps the registry of domains, carries out their life cycle (create, pause, shutdown with on_poweroff/on_reboot/on_crash, destroy, memory and VCPU changes, save, restore and migration), buffers their consoles and writes xend.log. It speaks the wire protocols of the real xend: XML-RPC with its method names and fault codes, SXP values, the legacy HTTP URL tree and the relocation protocol, so xm and scripts written for the real xend work against it.',
    ),
  );
  page.pp(
    t(
      'Guests live in the hypervisor, not in xend: they survive xend stop, xend restart and a crash of the worker, and xend adopts them when it starts. The hypervisor is chosen by xend-hypervisor in xend-config.sxp: sim, a simulated host that needs no privileges (the default), or qemu.',
    ),
  );

  page.sh('COMMANDS');
  for (const [name, text] of XEND_COMMANDS) page.tp(b(name), t(text));
  page.pp(t('Without a command xend prints its usage and exits 1; an unknown command prints "not an option: …" and exits 1.'));

  page.sh('SERVERS');
  page.text(t('Which servers run is set in xend-config.sxp(5); the defaults are:'));
  const servers: [string, string][] = [
    [
      `XML-RPC on ${p.xmlrpcSocket}`,
      `xend-unix-xmlrpc-server (${onOff(d['xend-unix-xmlrpc-server'])}). The server xm uses by default.`,
    ],
    [
      `XML-RPC over TCP, ${d['xend-tcp-xmlrpc-server-address']}:${d['xend-tcp-xmlrpc-server-port']}`,
      `xend-tcp-xmlrpc-server (${onOff(d['xend-tcp-xmlrpc-server'])}); HTTPS only when xend-tcp-xmlrpc-server-ssl-key-file and xend-tcp-xmlrpc-server-ssl-cert-file are set. xend-hosts-allow limits which hosts may connect.`,
    ],
    [`Legacy HTTP, port ${d['xend-port']}`, `xend-http-server (${onOff(d['xend-http-server'])}): the /xend/ URL tree with SXP bodies, on xend-address (localhost when empty).`],
    [
      `Legacy HTTP on ${p.xendUnixPath}`,
      `xend-unix-server (${onOff(d['xend-unix-server'])}): the same on a Unix socket (xend-unix-path), and relocation on ${p.relocationSocket}.`,
    ],
    [
      `Relocation, port ${d['xend-relocation-port']}`,
      `xend-relocation-server (${onOff(d['xend-relocation-server'])}): receives domains migrated here (xm migrate on the sending host), on xend-relocation-address (localhost when empty), from the hosts xend-relocation-hosts-allow matches.`,
    ],
    [
      `Relocation over SSL, port ${d['xend-relocation-ssl-port']}`,
      `xend-relocation-ssl-server (${onOff(d['xend-relocation-ssl-server'])}): the same over TLS, with xend-relocation-server-ssl-key-file and xend-relocation-server-ssl-cert-file.`,
    ],
  ];
  for (const [name, text] of servers) page.tp(b(name), t(text));
  page.pp(
    t(
      'The management Unix sockets are mode 0600 (root only) unless xend-unix-socket-group names a group, which then gets them 0660 and search permission on their directory (0710; only a directory of xend\'s own, never a shared one such as /tmp). The TCP servers and the relocation servers have no authentication beyond the hosts-allow lists (and TLS where configured): keep them on a trusted network. A client other than root (any TCP server, or a socket group\'s member) may name files for save, restore and dump-core only inside xend-save-path and the dump directory, and never a symlink. Connections are bounded by xend-max-request-bytes, xend-idle-timeout, xend-max-connections and xend-relocation-idle-timeout (see xend-config.sxp(5)).',
    ),
  );
  page.pp(
    t(
      'Faults are those of xend: code 1 for an internal error, 2 for a refused request (the message says why), 3 for an unknown domain (the fault string is the domain as given).',
    ),
  );

  page.sh('SIGNALS');
  page.tp(b('SIGTERM, SIGINT'), t('The worker shuts its servers down and exits 0; the monitor exits too.'));
  page.tp(b('SIGHUP'), t('Reload (see reload above).'));
  page.tp(b('other fatal signals'), t('The monitor logs "Xend died due to signal N!  Restarting it." in xend-debug.log and starts a new worker.'));

  page.sh('LOGGING');
  page.text(
    t(
      `${p.logFile} (logfile) gets one line per event, "[YYYY-MM-DD HH:MM:SS PID] LEVEL (module:line) message", from loglevel (${d.loglevel}) up. It is rotated at 1 MiB, keeping xend.log.1 to xend.log.5. ${p.debugLog} holds the daemon's own output and the monitor's messages; ${p.traceFile} the requests traced by trace_start.`,
    ),
  );

  page.sh('EXIT STATUS');
  page.tp(b('0'), t('Success; for status, xend runs.'));
  page.tp(b('1'), t('start, restart or trace_start failed (the reason is on stderr and in xend-debug.log), or a bad command line.'));
  page.tp(b('3'), t('status: xend does not run.'));

  page.sh('ENVIRONMENT');
  const env: [string, string][] = [
    ['XEND_CONFIG', `The configuration file (default ${p.configFile}).`],
    ['XEND_ROOT', 'A directory that prefixes every default path below, so that an unprivileged user, a test or a demo runs a private xend; xm(1) given the same XEND_ROOT finds it. Not in xend.'],
    ['XEND_DAEMONIZE', 'When 0, xend start runs in the foreground (as foreground).'],
    ['LD_LIBRARY_PATH', 'With (xend-hypervisor xen), passed on to xl and xenstore\'s tools (with PATH; nothing else of the environment is), for a Xen whose libraries are outside the default path.'],
    ['NODE_OPTIONS', `Node.js options for xend's processes. On Node ${GROWING_NODE_MAJOR} and later, with ${CAPPED_FROM_BYTES / 2 ** 30} GiB of memory or more, the worker runs with --max-semi-space-size: V8's young generation as Node 20 and 22 size it (1/256 of the memory, ${MAX_SEMI_SPACE_MIB} MiB at most; Node ${GROWING_NODE_MAJOR} would take up to 64 MiB under load), unless NODE_OPTIONS sets that option (or, for foreground, node's own command line).`],
  ];
  for (const [name, text] of env) page.tp(b(name), t(text));

  page.sh('FILES');
  const files: [string, string][] = [
    [p.configFile, 'Configuration, see xend-config.sxp(5).'],
    [p.pidFile, 'The worker\'s pid.'],
    [p.xmlrpcSocket, 'The XML-RPC socket.'],
    [p.statusFile, 'What xend status --json reports.'],
    [p.logFile, 'The log, with its rotations xend.log.1 to .5.'],
    [p.debugLog, 'The daemon\'s own output.'],
    [p.traceFile, 'Request trace (trace_start).'],
    [p.domainsDir, 'Managed domains (xend-domains-path).'],
    [p.stateDir, 'Durable state (xend-state-path).'],
  ];
  for (const [name, text] of files) page.tp(b(name), t(text));

  page.sh('EXAMPLES');
  page.text(t('A private xend for an unprivileged user, on the simulated host:'));
  page.example('export XEND_ROOT=$HOME/xen-root\nmkdir -p $XEND_ROOT/etc/xen\nxend start\nxm create /dev/null name=vm1 memory=256\nxend stop');
  page.text(t('Under systemd:'));
  page.example('[Service]\nType=simple\nExecStart=/usr/local/bin/xend foreground\nExecReload=/usr/local/bin/xend reload');

  page.sh('SEE ALSO');
  page.text([ref('xm', 1), ref('xend-config.sxp', 5), ref('xmdomain.cfg', 5)].join(', '));
  return page.toString();
}
