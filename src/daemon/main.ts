import { xendPaths } from '../config/paths.js';
import { becomeWorkerProcess, monitor, reload, start, status, stop, type StartResult } from './control.js';
import { versionLine } from '../version.js';

/** xend's commands, in its usage order: what each does (`xend --help`) and the options it takes. */
const COMMAND_TABLE: readonly { name: string; what: string; json?: true }[] = [
  { name: 'start', what: 'start xend; exits 0 once every configured server listens' },
  { name: 'stop', what: 'stop xend and wait for it to exit (exits 0, also when none ran)' },
  { name: 'reload', what: 're-read xend-config.sxp and restart its servers (the old stay if new ones fail)' },
  { name: 'restart', what: 'stop, then start' },
  { name: 'status', what: 'exit 0 if xend runs, 3 if not; --json: pid, uptime, sockets, log', json: true },
  { name: 'trace_start', what: 'start xend tracing every request to xend.trace' },
  { name: 'foreground', what: 'run xend in the foreground (for service managers)' },
];
const COMMANDS = COMMAND_TABLE.map((c) => c.name);
const USAGE = `usage: xend {${COMMANDS.join('|')}}`;

/** Shows what a start found (the config's warnings, or why it failed) and gives its exit status. */
function told(r: StartResult): number {
  for (const w of r.warnings ?? []) process.stderr.write(`Warning: ${w}\n`);
  if (r.reason) process.stderr.write(`Error: xend failed to start: ${r.reason}\n`);
  return r.code;
}

/** xm's layout (`' %-20s %s'` rows), not yargs': a daemon's help is read by the same administrators. */
function helpText(): string {
  const rows = (list: readonly [string, string][]) => list.map(([name, what]) => ` ${name.padEnd(20)} ${what}\n`).join('');
  const options = rows([
    ['--help, -h', 'print this help'],
    ['--version, -V', 'print the version'],
  ]);
  return `${USAGE}\n\nStart, stop and query the Xen management daemon.\n\n${rows(COMMAND_TABLE.map((c) => [c.name, c.what]))}\n${options}\nSee xend(8) and xend-config.sxp(5).\n`;
}

/**
 * xend's command line. Returns the exit status; only bin/xend exits. The hidden
 * `__monitor` and `__worker` commands are the daemon's own processes; `__xl-relay`
 * is the command xl's live migration runs (xl-relay.ts). Only the worker loads the
 * daemon (worker.ts and all it serves with) and only a command line yargs: `xend
 * restart` starts three processes, and the command and the monitor need neither.
 */
export async function main(argv: string[], script: string): Promise<number> {
  const paths = xendPaths();
  const [cmd] = argv;
  switch (cmd) {
    case '__monitor':
      return monitor(paths, script);
    case '__worker':
      await (await import('./worker.js')).runWorker({
        paths,
        statusFd: process.env.XEND_STATUS_FD ? Number(process.env.XEND_STATUS_FD) : null,
        trace: process.env.XEND_TRACE === '1',
        monitorPid: process.env.XEND_MONITOR_PID ? Number(process.env.XEND_MONITOR_PID) : null,
      });
      return process.exitCode === 1 ? 1 : -1;
    case '__xl-relay':
      return (await import('./xl-relay.js')).xlRelay(argv.slice(1));
  }
  if (!cmd) {
    process.stdout.write(`${USAGE}\n`);
    return 1;
  }
  if (cmd === '--help' || cmd === '-h') {
    process.stdout.write(helpText());
    return 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`${versionLine('xend')}\n`);
    return 0;
  }
  if (!COMMANDS.includes(cmd) && !cmd.startsWith('--')) {
    process.stdout.write(`not an option: ${cmd}\n`);
    return 1;
  }
  // A bare command (`xend restart`, as init scripts and the tools run it) needs no parser.
  if (argv.length === 1 && COMMANDS.includes(cmd)) return command(cmd, paths, script, {});
  const { default: yargs } = await import('yargs');
  // yargs only chooses: its strict check may fail after a handler ran, and a command given a bad
  // option must not run (`xend stop --bogus` stopped xend, then complained).
  let chosen: { name: string; json: boolean } | undefined;
  let refused = false;
  // The help text is helpText's (commands are described there).
  const parser = yargs(argv).scriptName('xend').usage(USAGE).version(false).help(false).strict();
  for (const c of COMMAND_TABLE) {
    parser.command(c.name, false, (y) => (c.json ? y.option('json', { type: 'boolean' }) : y), (args) => {
      chosen = { name: c.name, json: args.json === true };
    });
  }
  await parser
    .fail((msg: string | null, err: Error | undefined) => {
      process.stderr.write(`Error: ${msg ?? err?.message ?? 'unknown error'}\n`);
      refused = true;
    })
    .parseAsync();
  if (refused || !chosen) return 1;
  return command(chosen.name, paths, script, { json: chosen.json });
}

/** Runs one of xend's commands; its exit status. */
async function command(name: string, paths: ReturnType<typeof xendPaths>, script: string, args: { json?: boolean }): Promise<number> {
  switch (name) {
    case 'start':
      if (process.env.XEND_DAEMONIZE === '0') return foreground(paths);
      return told(await start(paths, script, false));
    case 'trace_start':
      return told(await start(paths, script, true));
    case 'foreground':
      return foreground(paths);
    case 'stop':
      return stop(paths, (line) => process.stderr.write(`${line}\n`));
    case 'restart':
      await stop(paths);
      return told(await start(paths, script, false));
    case 'reload':
      return reload(paths);
    case 'status': {
      const s = status(paths);
      if (args.json) process.stdout.write(`${JSON.stringify(s)}\n`);
      return s.running ? 0 : 3;
    }
  }
  return 1;
}

async function foreground(paths: ReturnType<typeof xendPaths>): Promise<number> {
  becomeWorkerProcess();
  const { dirname } = await import('node:path');
  const { writeFileDurably } = await import('../store/durable.js');
  const { makeDirs } = await import('../make-dirs.js');
  makeDirs(dirname(paths.pidFile));
  writeFileDurably(paths.pidFile, String(process.pid), 0o644);
  await (await import('./worker.js')).runWorker({ paths, statusFd: null, trace: process.env.XEND_TRACE === '1', monitorPid: null });
  return process.exitCode === 1 ? 1 : -1;
}

/** Entry used by bin/xend. A negative code means "keep running" (the daemon's servers hold the loop). */
export function run(): void {
  main(process.argv.slice(2), process.argv[1] ?? 'xend').then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`Error: ${(err as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
