// Client latency: whole processes, wall time from spawn to exit, output to
// /dev/null. Every command of the group runs once per round (start rotating),
// so each subject and its baseline are alternated and share the machine's
// noise; medians over `runs` rounds after `warmup` rounds.
import { alternate, bin, benchDir, log, median, node, probe, ratioRow, timeProcess } from './lib.mjs';
import { join } from 'node:path';

export const name = 'latency';
export const title = 'client latency (whole process)';

export async function run(ctx) {
  const small = await ctx.pool.xend('small', 10);
  const large = await ctx.pool.xend('large', 1000);
  const xm = (x, ...a) => ({ cmd: [node, bin('xm'), ...a], env: x.env });
  const node0 = { name: 'node -e 0', cmd: [node, '-e', '0'] };
  const py0 = { name: 'python3 -c 0', cmd: ['python3', '-c', '0'] };
  const pyclient = (x) => ['python3', join(benchDir, 'pyclient.py'), x.socketPath];

  const destroyMs = [];
  const commands = [
    node0,
    { name: 'xm --version', ...xm(small, '--version') },
    { name: 'xm help', ...xm(small, 'help') },
    { name: 'xm list @10', ...xm(small, 'list') },
    { name: 'xm list --json @10', ...xm(small, 'list', '--json') },
    { name: 'xm list @1000', ...xm(large, 'list') },
    { name: 'xm list --json @1000', ...xm(large, 'list', '--json') },
    {
      name: 'xm create',
      ...xm(small, 'create', '/dev/null', 'name=bench-latency', 'memory=64'),
      after: (recorded) => {
        const ms = timeProcess([node, bin('xm'), 'destroy', 'bench-latency'], small.env);
        if (recorded) destroyMs.push(ms);
      },
    },
  ];
  // The floor under the targets: a bare Node client making the same call (bench/floor-client.cjs).
  commands.push({ name: 'node client @10', cmd: [node, join(benchDir, 'floor-client.cjs'), small.socketPath] });
  const python = probe(['python3', '-c', '0']);
  if (python.ok) {
    commands.push(py0, { name: 'python client @10', cmd: pyclient(small) }, { name: 'python client @1000', cmd: pyclient(large) });
  }
  // On a terminal (util-linux's script gives the command a pty), as an administrator runs xm:
  // there, building a stream for stdout or stderr costs what the /dev/null runs do not show.
  const sh = (a) => a.map((w) => `'${w.replace(/'/g, "'\\''")}'`).join(' ');
  const onTerminal = (cmd) => ['script', '-qfec', sh(cmd), '/dev/null'];
  const terminal = probe(onTerminal(['true']));
  if (terminal.ok) {
    commands.push({ name: 'node -e 0 on a terminal', cmd: onTerminal(node0.cmd) }, { name: 'xm list @10 on a terminal', cmd: onTerminal(xm(small, 'list').cmd), env: small.env });
  }
  const virshCmd = ['virsh', '-c', 'test:///default', 'list'];
  const virsh = probe(virshCmd);
  if (virsh.ok) commands.push({ name: 'virsh', cmd: virshCmd });

  log(`latency: ${commands.length} commands × (${ctx.warmup} warm-up + ${ctx.runs} rounds), alternated`);
  const s = alternate(commands, ctx.runs, ctx.warmup, (r, n) => ctx.progress(`latency round ${r}/${n}`));
  const m = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
  const n = ctx.runs;
  const row = (id, what, subject, baseline, target, note) =>
    ratioRow({ id: `latency.${id}`, what, baseline, subject: m[subject], base: m[baseline], target, n, note });

  // Targets: issue 20's (the runtime's floor for what xm must do on top of starting Node).
  const rows = [
    row('version', 'xm --version', 'xm --version', 'node -e 0', 1.05),
    row('help', 'xm help', 'xm help', 'node -e 0', 1.05),
    row('list-10', 'xm list (10 guests)', 'xm list @10', 'node -e 0', 1.15, `${(m['xm list @10'] - m['xm --version']).toFixed(1)} ms over --version`),
    row('list-json-10', 'xm list --json (10 guests)', 'xm list --json @10', 'node -e 0', 1.15),
    row('list-1000', 'xm list (1,000 guests)', 'xm list @1000', 'node -e 0', 1.5, `${(m['xm list @1000'] - m['xm list @10']).toFixed(1)} ms over 10 guests`),
    row('list-json-1000', 'xm list --json (1,000 guests)', 'xm list --json @1000', 'node -e 0', 1.5),
    row('create', 'xm create /dev/null memory=64 (10 guests)', 'xm create', 'node -e 0', 1.25, `xm destroy ${median(destroyMs).toFixed(1)} ms`),
    row('floor-10', 'bare Node client: connect, call, read (10 guests)', 'node client @10', 'node -e 0', null, 'the floor under the list targets'),
  ];
  if (terminal.ok) rows.push(row('list-10-tty', 'xm list (10 guests) on a terminal', 'xm list @10 on a terminal', 'node -e 0 on a terminal', 1.15));
  else rows.push({ id: 'latency.list-10-tty', what: 'xm list (10 guests) on a terminal', unavailable: `${terminal.reason} (util-linux's script)` });
  if (python.ok) {
    rows.push(
      row('py-10', "python xmlrpc.client domains_with_state (10)", 'python client @10', 'python3 -c 0', null, 'reference peer'),
      row('py-10-node', "python xmlrpc.client domains_with_state (10)", 'python client @10', 'node -e 0', null, 'reference peer'),
      row('py-1000', "python xmlrpc.client domains_with_state (1,000)", 'python client @1000', 'python3 -c 0', null, 'reference peer'),
    );
  } else {
    rows.push({ id: 'latency.py-10', what: 'python xmlrpc.client domains_with_state', unavailable: python.reason });
  }
  if (virsh.ok) rows.push(row('virsh', 'virsh -c test:///default list', 'virsh', 'node -e 0', null, 'reference peer (libvirt test driver)'));
  else rows.push({ id: 'latency.virsh', what: 'virsh -c test:///default list', unavailable: `${virsh.reason} (apt-get install -y libvirt-clients)` });
  return rows;
}
