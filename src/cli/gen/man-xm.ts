/**
 * xm(1): the commands, their usage, help and options straight from the registry;
 * the prose around them (states, exit status, environment, files, examples) here.
 */
import { COMMANDS, GLOBAL_OPTIONS } from '../registry.js';
import { EXIT_TIMEOUT, EXIT_UNKNOWN_DOMAIN } from '../errors.js';
import { POWER_STATE_NAMES } from '../../protocol/domain.js';
import { TIMEOUT_MS } from '../complete.js';
import { Page, b, i, optionTag, ref, sentence, t } from './roff.js';
import type { CommandSpec, DomainFilter, Group } from '../spec.js';

/** The headings of xm(1), in its order. */
export const GROUP_TITLES: Readonly<Record<Group, string>> = {
  domain: 'DOMAIN SUBCOMMANDS',
  host: 'XEN HOST SUBCOMMANDS',
  scheduler: 'SCHEDULER SUBCOMMANDS',
  device: 'VIRTUAL DEVICE COMMANDS',
  vnet: 'VIRTUAL NETWORK COMMANDS',
  security: 'SECURITY POLICY COMMANDS',
  acm: 'ACCESS CONTROL COMMANDS',
  flask: 'FLASK COMMANDS',
  tmem: 'TRANSCENDENT MEMORY COMMANDS',
  cpupool: 'CPU POOL COMMANDS',
  other: 'OTHER COMMANDS',
};

const FILTER_TEXT: Readonly<Record<DomainFilter, string>> = {
  any: '',
  active: 'Any domain that is running (has a domain id).',
  running: 'A running domain (state r or b).',
  paused: 'A paused domain (state p).',
};

/** The six state letters of `xm list`, in their column order (xm(1), XendConfig). */
export const STATE_LETTERS: readonly [string, string, string][] = [
  ['r', 'running', 'The domain is currently running on a CPU.'],
  [
    'b',
    'blocked',
    'The domain is blocked, and not running or runnable. This happens when it waits for I/O or has gone to sleep because there was nothing else for it to do.',
  ],
  [
    'p',
    'paused',
    'The domain has been paused, usually by an administrator running xm pause. A paused domain keeps its resources, such as memory, but the hypervisor does not schedule it.',
  ],
  ['s', 'shutdown', 'The guest OS has shut down, but the domain is not dying yet.'],
  ['c', 'crashed', 'The domain has crashed. This state stays only when the domain is configured not to restart on a crash (on_crash, see xmdomain.cfg(5)).'],
  ['d', 'dying', 'The domain is in the process of dying, but has not completely shut down or crashed.'],
];

/** Every exit status xm returns, with when. */
export const EXIT_STATUSES: readonly [number, string][] = [
  [0, 'Success.'],
  [
    1,
    'Any error: a usage mistake (an unknown subcommand or option, a wrong number of arguments; xm exited 1 for these, so scripts testing for 1 keep working), xend unreachable or refusing the request, a bad config file. Also when xm is run without a subcommand, and for xm subcommand --help, as xm did.',
  ],
  [EXIT_UNKNOWN_DOMAIN, 'The domain named on the command line does not exist (Error: Domain \'name\' does not exist.), as xm 3.4 and later.'],
  [EXIT_TIMEOUT, 'A --timeout ran out while waiting (shutdown -w, reboot -w, migrate), as with timeout(1). Not in xm.'],
  [130, 'Interrupted with Ctrl-C (SIGINT), as shells report it; a migration in progress is cancelled first and the domain keeps running here.'],
  [255, "A CPU pool config that cpupool-create or cpupool-new cannot read (a cpus value that is no CPU list, an unreadable -F file), as xm's cpupool.py exited (sys.exit(-1))."],
];

function synopsisOf(c: CommandSpec): string {
  return `${b(`xm ${c.name}`)}${c.usage ? ` ${t(c.usage)}` : ''}`;
}

function command(page: Page, c: CommandSpec): void {
  const body = [t(sentence(c.help))];
  if (c.notes) body.push(t(c.notes));
  if (c.aliases?.length) body.push(t(`Also reachable as ${c.aliases.join(', ')} (deprecated; xm warns).`));
  for (const a of c.args) {
    if (a.kind === 'domain' && a.domains && a.domains !== 'any') body.push(`${i(`<${a.name}>`)}: ${t(FILTER_TEXT[a.domains])}`);
  }
  page.tp(synopsisOf(c), body);
  const options = c.options.filter((o) => !o.hidden);
  if (!options.length) return;
  page.rs();
  for (const o of options) {
    page.tp(optionTag(o), t(sentence(o.desc)) + (o.choices ? ` ${t('One of:')} ${o.choices.map((x) => b(x)).join(', ')}.` : ''));
  }
  page.re();
}

export function xmPage(version: string): string {
  const page = new Page('XM', 1, `xend-suite ${version}`, 'Xen management');
  page.sh('NAME').text(t('xm - Xen management user interface'));

  page.sh('SYNOPSIS');
  page.text(`${b('xm')} [${b('--json')}] [${b('--server')} ${i('URI')}] ${i('subcommand')} [${i('args')}]`).br();
  page.text(`${b('xm help')}`).br();
  page.text(`${b('xm')} ${i('subcommand')} ${b('--help')}`);

  page.sh('DESCRIPTION');
  page.text(
    t(
      'xm is the command-line interface for managing Xen guest domains. Each subcommand asks xend(8), the management daemon, to act, over the XML-RPC Unix socket by default or the server named by --server, XM_SERVER or xm-config.xml. xend must be running.',
    ),
  );
  page.pp(
    t(
      'Subcommand names may be abbreviated to any unique prefix of two letters or more (xm li is xm list). A Domain argument is a domain name, a numeric domain id or a UUID. Most subcommands return as soon as xend has accepted the request: xm shutdown, for example, returns before the guest has shut down unless -w is given.',
    ),
  );
  page.pp(
    t(
      'Output, messages and exit statuses are those of xm 4.4, so scripts written for it keep working. Additions (--json, --server, --timeout) are marked "not in xm".',
    ),
  );

  page.sh('OPTIONS');
  page.text(t('These options are accepted before the subcommand, and by every subcommand (not in xm):'));
  for (const o of GLOBAL_OPTIONS) page.tp(optionTag(o), t(sentence(o.desc)));
  page.tp(`${b('-h')}, ${b('--help')}`, t('Before a subcommand: the full list of subcommands (as xm help). After one: its usage and options (exit status 1, as xm).'));
  page.tp(`${b('-V')}, ${b('--version')}`, t('Print the version of xm.'));

  for (const group of Object.keys(GROUP_TITLES) as Group[]) {
    if (!COMMANDS.some((c) => c.group === group)) continue;
    page.sh(GROUP_TITLES[group]);
    for (const c of COMMANDS.filter((x) => x.group === group)) command(page, c);
  }

  page.sh('DOMAIN STATES');
  page.text(
    t(
      'xm list shows a domain\'s state as six letters, one column each, in this order; a column shows - when its state does not apply (a running domain is r-----, a paused one --p---). A domain that is not running (a halted managed domain) has no state letters at all.',
    ),
  );
  for (const [letter, name, text] of STATE_LETTERS) page.tp(`${b(letter)} \\- ${t(name)}`, t(text));
  page.pp(
    `${t('xm list --state selects by power state instead:')} ${POWER_STATE_NAMES.map((s) => b(s)).join(', ')} ${t('or')} ${b('all')}.`,
  );

  page.sh('JSON OUTPUT');
  page.text(
    t(
      'With --json (not in xm), a subcommand that prints something prints one JSON document on stdout instead, carrying "version": 1; subcommands that report progress (shutdown -w, reboot -w) first print one JSON line per event. Errors are JSON on stdout too, {"version":1,"error":{"type":…,"message":…,"exit":…}}, with the same exit status. The records are documented in docs/json.md and described by the JSON Schema docs/xm-json.schema.json.',
    ),
  );

  page.sh('EXIT STATUS');
  for (const [code, text] of EXIT_STATUSES) page.tp(b(String(code)), t(text));

  page.sh('ENVIRONMENT');
  const env: [string, string][] = [
    ['XM_SERVER', 'The URI of the xend to talk to when --server is not given: httpu:///path/to/xmlrpc.sock (XML-RPC on a Unix socket), http://host:8006 or https://host:8006 (XML-RPC over TCP), ssh://[user@]host[:port] (XML-RPC through `ssh host xm serve`, as xm\'s SSHTransport; the port is not in xm), or, not in xm, xend-http://host:8000 and xend-httpu:///var/lib/xend/xend-socket (xend\'s legacy HTTP API). Default: httpu:///var/run/xend/xmlrpc.sock.'],
    ['XM_CONFIG_FILE', 'The xm-config.xml that names the server when neither --server nor XM_SERVER does (default /etc/xen/xm-config.xml).'],
    ['XEND_CONFIG', 'The xend-config.sxp that xm info -c reads (default /etc/xen/xend-config.sxp).'],
    ['XEND_ROOT', 'A directory that prefixes every default path (/etc/xen, /var/run/xend, /var/log/xen, /var/lib/xend), so that xm finds a private xend started with the same XEND_ROOT. Not in xm.'],
    ['XM_TLS_CA', 'A file of CA certificates to trust, besides the system\'s, for https:// servers. Not in xm.'],
    ['NO_COLOR', 'When set to a non-empty value, xm writes no colour. xm never colours output that is not a terminal.'],
    ['XM_DEBUG', 'When set, an internal error also prints its stack trace.'],
  ];
  for (const [name, text] of env) page.tp(b(name), t(text));

  page.sh('FILES');
  const files: [string, string][] = [
    ['/etc/xen/', 'Where xm create looks for a config file after the current directory (see --path).'],
    ['/etc/xen/xm-config.xml', 'The server xm talks to (<xm><server type="LegacyXMLRPC" uri="…"/></xm>).'],
    ['/etc/xen/xend-config.sxp', 'xend\'s configuration, see xend-config.sxp(5).'],
    ['/var/run/xend/xmlrpc.sock', 'xend\'s XML-RPC socket, xm\'s default server.'],
    ['/var/log/xen/xend.log', 'xend\'s log, which xm log prints.'],
  ];
  for (const [name, text] of files) page.tp(b(name), t(text));

  page.sh('EXAMPLES');
  page.text(t('Create a domain from /etc/xen/guest1, with more memory than the file says, and list the domains:'));
  page.example('xm create guest1 memory=512\nxm list');
  page.text(t('Create a domain without a config file (all settings on the command line), left paused:'));
  page.example("xm create -p /dev/null name=test memory=128 vcpus=2");
  page.text(t('Shut a domain down and wait at most a minute for it; exit status 124 if it is still there:'));
  page.example('xm shutdown -w --timeout 60 guest1');
  page.text(t('Script against the JSON output (here with jq):'));
  page.example("xm list --json | jq -r '.domains[] | select(.power_state == \"running\") | .name'");
  page.text(t('Talk to the xend of another host over TCP:'));
  page.example('xm --server http://host:8006 list');
  page.text(t('Manage the Dom0 of another host through ssh, without opening a TCP port there (its xm serve reaches its xend):'));
  page.example('xm --server ssh://root@dom0 list');

  page.sh('COMPLETION');
  page.text(
    t(
      `The bash and zsh completion scripts (completions/xm.bash, completions/_xm) complete subcommands, options, option values and file names, and offer the names of the domains the subcommand accepts (running ones for pause, paused ones for unpause), asking xend once with a ${TIMEOUT_MS} ms deadline: when xend is down or slow they offer no names, and print nothing.`,
    ),
  );

  page.sh('DEVIATIONS FROM XM 4.4');
  page.text(t('Where this xm differs from xm 4.4 on purpose, and why:'));
  const deviations: [string, string][] = [
    ['xm domstate', 'prints "running" for a running domain; xm 4.4 printed nothing (its test find(\'r\') > 0 missed the letter at index 0).'],
    ['xm migrate', 'to a destination that cannot be reached prints no usage after the error (xm 4.4 did, as after any refusal of xend), and says where it looked and what makes a destination listen.'],
    [
      'xm shutdown -w, xm reboot -w',
      'of a paused domain keep waiting until it has shut down (it does once unpaused), saying so once on stderr; xm 4.4 returned at once, since it waited only on running domains. --timeout SECONDS is the way out for a script.',
    ],
    ['Error messages', 'keep xm 4.4\'s line and may add a second one saying what to do (where xm looked for xend, the MiB a domain may have, the bracket a config left open).'],
    ['xm tmem-freeable', 'is listed by xm help with the other tmem commands; xm 4.4 had it in its usage table but left it out of its list.'],
    ['xm tmem-shared-auth', "without --uuid says so; xm 4.4 failed with a traceback, and xend 4.4 answered every call with an error (it called xc.tmem_auth, which did not exist): here xend does what Xen's tmem did."],
    ['xm addlabel dom', "says the dummy security module cannot label a config; xm 4.4 failed with a traceback. xm's exit status for a failed dry-run is 1 (xm 4.4 printed -1 on stderr and exited 1)."],
    ['xm shell', 'also ends at quit or exit (xm 4.4 ended only at end of input), and keeps going after xm help and a line with an unclosed quote (xm 4.4 ended); Tab completes every command name (xm 4.4 offered only help).'],
    ['xm serve', 'reads each request whole and passes it to xend on a connection of its own (xm 4.4 copied bytes over one), so xend\'s idle limit between requests cannot end a long ssh session.'],
    ['xm vncviewer', 'takes the address from the domain\'s vfb location that xend reports, so it works from any host (xm 4.4 read Dom0\'s xenstore, waited 10 seconds and died of SIGALRM for a domain without VNC; this xm says the domain has no VNC server, and so do start --vncviewer and create with vncconsole=yes after waiting as long); xm create --vncviewer starts the viewer its help promises (xm 4.4 parsed it and did nothing); with --json it prints the address and runs no viewer.'],
    ['--json, --server, --timeout', 'are not in xm 4.4; everything xm 4.4 printed is printed the same without them.'],
    ['xm sched-credit, sched-credit2, sched-sedf', "run where an active CPU pool runs their scheduler; xm 4.4 looked only at the host's scheduler (Pool-0's), so the domains of a credit2 or SEDF pool could not be reached. A domain whose pool runs another scheduler shows -1, as xm showed a domain that did not answer."],
    ['xm sched-sedf', 'takes options before the domain too (xm 4.4 took its first word as the domain, whatever it was); --extratime is the long form of -e, as xm\'s getopt had it (its help said --extra, a prefix getopt accepted).'],
    ['xm cpupool-list', "lists active pools by pool id, then the others by name (xm 4.4's order was Python's dict order of the pools' uuids)."],
    ['xend cpu_pool errors', "XendCPUPool's list-valued errors (['POOL_BAD_STATE', 'in use']) travel as their text, which is what xm 4.4 printed; a pool that cpupool-create could not activate is not left behind (xend 4.4 kept it, inactive, so its name stayed taken)."],
    ['xm block-detach, network-detach, network2-detach', 'take -f and --force anywhere on the line; another word after the device is ignored with xm 4.4\'s "Ignoring option", but another option is a usage error.'],
    ['xm usb-attach', 'reports a controller the domain lacks, a port beyond it and a bus id that is none as errors (stderr, exit 1); xm 4.4 printed them on stdout and exited 0.'],
    ['Host devices', 'xm scsi-attach, usb-list and usb-list-assignable-devices ask xend which SCSI LUNs and USB devices its host has (xend.node.scsiinfo, usbinfo), and xend refuses a bus or LUN another domain holds; xm 4.4 read the sysfs of the machine it ran on, which is xend\'s only in dom0. A client other than root may give a guest the host\'s devices only where xend-config.sxp says xend-domain-passthrough.'],
    ['xm pci-attach', 'takes one -o option (the last given); xm 4.4 took several.'],
    ['Device numbers', 'a vif\'s number is its place among the domain\'s vifs, so the numbers after a detached one move down (xend 4.4 numbered a running domain\'s vifs from a counter); Domain-0\'s devices are not xend\'s to attach or detach.'],
  ];
  for (const [what, why] of deviations) page.tp(b(what), t(why));

  page.sh('SEE ALSO');
  page.text([ref('xend', 8), ref('xend-config.sxp', 5), ref('xmdomain.cfg', 5)].join(', '));
  return page.toString();
}
