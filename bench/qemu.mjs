// The QEMU backend (issue 7), only where qemu-system-x86_64 runs and
// scripts/build-test-guest.sh yields the test guest. (a) Create-to-banner: from
// spawning `xm create` under a xend with (xend-hypervisor qemu) until
// `xm console --replay --read-only b1` shows XMGUEST-BANNER (polled every 100 ms),
// against the same kernel + initramfs booted by a bare qemu-system-x86_64 with
// -serial stdio until its stdout shows the banner; alternated. (b) Live migration
// of the running test guest between two xends (`xm migrate --json -l`, A→B, B→A, …)
// against QEMU's own migration between two bare QEMU processes (the destination
// started with -incoming tcp:…, the source told `migrate` over QMP, `query-migrate`
// polled every 50 ms for total-time and downtime); the bare guest also hops back and
// forth (a new destination each time), so neither side reboots between rounds.
// Every guest is destroyed and every QEMU killed, also on failure.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Xend, bin, freePort, log, median, node, onCleanup, probe, repo, sleep } from './lib.mjs';

export const name = 'qemu';
export const title = 'QEMU backend, test guest under TCG';

const QEMU = 'qemu-system-x86_64';
const BANNER = 'XMGUEST-BANNER';

function qemuArgs(dir) {
  return ['-accel', 'tcg', '-m', '128', '-display', 'none', '-no-user-config', '-nodefaults', '-serial', 'stdio',
    '-kernel', join(dir, 'vmlinuz'), '-initrd', join(dir, 'initramfs.gz'), '-append', 'console=ttyS0 quiet panic=-1', '-no-reboot'];
}

/** Spawns a QEMU that cleanup kills; `out` accumulates its stdout. */
function startQemu(args) {
  const child = spawn(QEMU, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const q = { child, out: '', err: '', exited: new Promise((r) => child.on('exit', r)) };
  child.stdout.on('data', (d) => (q.out += d));
  child.stderr.on('data', (d) => (q.err += d));
  q.kill = onCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return q;
}
async function stopQemu(q) {
  q.kill();
  await q.exited;
}
async function waitFor(pred, timeoutMs, what, every = 20) {
  const t = Date.now();
  while (!(await pred())) {
    if (Date.now() - t > timeoutMs) throw new Error(`${what}: not after ${timeoutMs} ms`);
    await sleep(every);
  }
}

/** A minimal QMP client: one connection, one command at a time, events skipped. */
async function qmp(path) {
  await waitFor(() => existsSync(path), 10_000, `QMP socket ${path}`);
  const sock = connect(path);
  let buf = '';
  const waiting = [];
  const msgs = [];
  sock.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const m = JSON.parse(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
      if (m.event) continue;
      if (waiting.length) waiting.shift()(m);
      else msgs.push(m);
    }
  });
  await new Promise((res, rej) => (sock.once('connect', res), sock.once('error', rej)));
  const next = () => (msgs.length ? Promise.resolve(msgs.shift()) : new Promise((r) => waiting.push(r)));
  await next(); // greeting
  const cmd = async (execute, args) => {
    sock.write(`${JSON.stringify(args ? { execute, arguments: args } : { execute })}\n`);
    const m = await next();
    if (m.error) throw new Error(`QMP ${execute}: ${m.error.desc}`);
    return m.return;
  };
  await cmd('qmp_capabilities');
  return { cmd, close: () => sock.destroy() };
}

function runAsync(cmd, env, input) {
  return new Promise((resolve) => {
    const c = spawn(cmd[0], cmd.slice(1), { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => c.kill('SIGKILL'), 10_000);
    c.on('exit', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr })));
    c.stdin.on('error', () => {});
    c.stdin.end(input ?? '');
  });
}

const xm = (x, ...args) => runAsync([node, bin('xm'), ...args], x.env);

/** ms from spawning `xm create` to the banner on the replayed console. */
async function xendBoot(x, cfg) {
  const t = process.hrtime.bigint();
  const create = runAsync([node, bin('xm'), 'create', cfg], x.env);
  let created = null;
  create.then((r) => (created = r));
  for (;;) {
    const r = await runAsync([node, bin('xm'), 'console', '--replay', '--read-only', 'b1'], x.env, '\x1d');
    if (r.stdout.includes(BANNER)) break;
    if (created && created.status !== 0) throw new Error(`xm create exited ${created.status}: ${created.stderr.trim()}`);
    if (Number(process.hrtime.bigint() - t) / 1e6 > 60_000) throw new Error('xend guest: no banner after 60 s');
    await sleep(100);
  }
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const c = await create;
  if (c.status !== 0) throw new Error(`xm create exited ${c.status}: ${c.stderr.trim()}`);
  return ms;
}

/** ms from spawning a bare QEMU to the banner on its stdout. */
async function bareBoot(dir) {
  const t = process.hrtime.bigint();
  const q = startQemu(qemuArgs(dir));
  try {
    await waitFor(() => q.out.includes(BANNER) || q.child.exitCode !== null, 60_000, 'bare QEMU banner', 5);
    if (!q.out.includes(BANNER)) throw new Error(`bare QEMU exited ${q.child.exitCode}: ${q.err.trim()}`);
    return Number(process.hrtime.bigint() - t) / 1e6;
  } finally {
    await stopQemu(q);
  }
}

export async function run(ctx) {
  const rounds = ctx.qemuRounds ?? 3;
  const p = probe([QEMU, '--version']);
  if (!p.ok) return [{ id: 'qemu.boot', what: 'QEMU backend', unavailable: p.reason }];
  const g = spawnSync('bash', [join(repo, 'scripts/build-test-guest.sh')], { encoding: 'utf8', timeout: 300_000 });
  const dir = g.status === 0 ? g.stdout.trim().split('\n').pop() : '';
  if (!dir || !existsSync(join(dir, 'vmlinuz')) || !existsSync(join(dir, 'initramfs.gz')))
    return [{ id: 'qemu.boot', what: 'QEMU backend', unavailable: `scripts/build-test-guest.sh gave no guest dir (exit ${g.status}): ${(g.stderr || '').trim().split('\n').pop()}` }];

  const tmp = mkdtempSync(join(tmpdir(), 'xend-bench-qemu-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const cfg = join(tmp, 'b1.cfg');
  writeFileSync(cfg, `kernel = "${dir}/vmlinuz"\nramdisk = "${dir}/initramfs.gz"\nmemory = 128\nname = "b1"\nextra = "quiet"\n`);

  const xends = [];
  for (const label of ['qemuA', 'qemuB']) {
    const x = new Xend(label);
    x.relocationPort = await freePort();
    writeFileSync(
      join(x.root, 'etc/xen/xend-config.sxp'),
      `(xend-hypervisor qemu)\n(qemu-accel tcg)\n(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${x.relocationPort})\n`,
    );
    // before the xend's own teardown (cleanups run last in first out): destroy b1, kill any QEMU of this root
    onCleanup(() => {
      spawnSync(node, [bin('xm'), 'destroy', 'b1'], { env: x.env, stdio: 'ignore', timeout: 20_000 });
      const r = spawnSync('pgrep', ['-f', x.root], { encoding: 'utf8' });
      for (const pid of r.stdout.split('\n').filter(Boolean).map(Number)) {
        try {
          if (readFileSync(`/proc/${pid}/cmdline`, 'latin1').startsWith(QEMU)) process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    });
    xends.push(x.start());
  }
  const [A, B] = xends;

  // (a) create → banner, alternated with bare boots; the xend guest is destroyed after each
  const xb = [];
  const bb = [];
  for (let i = 0; i <= rounds; i++) {
    ctx.progress(`qemu: boot round ${i}/${rounds}${i === 0 ? ' (warm-up)' : ''}`);
    const order = i % 2 ? ['bare', 'xend'] : ['xend', 'bare'];
    for (const o of order) {
      if (o === 'xend') {
        const ms = await xendBoot(A, cfg);
        const d = await xm(A, 'destroy', 'b1');
        if (d.status !== 0) throw new Error(`xm destroy b1 exited ${d.status}: ${d.stderr.trim()}`);
        if (i) xb.push(ms);
      } else {
        const ms = await bareBoot(dir);
        if (i) bb.push(ms);
      }
    }
  }

  // (b) live migration: one xend guest and one bare guest, each hopping back and forth
  await xendBoot(A, cfg);
  let here = 0;
  const bareQmp = join(tmp, 'q0.qmp');
  let cur = startQemu([...qemuArgs(dir), '-qmp', `unix:${bareQmp},server=on,wait=off`]);
  cur.qmpPath = bareQmp;
  await waitFor(() => cur.out.includes(BANNER) || cur.child.exitCode !== null, 60_000, 'bare QEMU banner', 20);
  if (!cur.out.includes(BANNER)) throw new Error(`bare QEMU exited ${cur.child.exitCode}: ${cur.err.trim()}`);
  cur.qmp = await qmp(cur.qmpPath);

  const xm_ = [];
  const qm = [];
  let n = 0;
  const xendHop = async () => {
    const [from, to] = [xends[here], xends[1 - here]];
    const r = await runAsync([node, bin('xm'), 'migrate', '--json', '-l', '-p', String(to.relocationPort), 'b1', '127.0.0.1'], from.env);
    if (r.status !== 0) throw new Error(`xm migrate -l b1 (${from.label}→${to.label}) exited ${r.status}: ${r.stderr.trim().slice(0, 300)}`);
    here = 1 - here;
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const bareHop = async () => {
    const port = await freePort();
    const path = join(tmp, `q${++n}.qmp`);
    const dst = startQemu([...qemuArgs(dir), '-qmp', `unix:${path},server=on,wait=off`, '-incoming', `tcp:127.0.0.1:${port}`]);
    dst.qmpPath = path;
    dst.qmp = await qmp(path);
    await cur.qmp.cmd('migrate', { uri: `tcp:127.0.0.1:${port}` });
    let st;
    await waitFor(async () => {
      st = await cur.qmp.cmd('query-migrate');
      if (st.status === 'failed' || st.status === 'cancelled') throw new Error(`QEMU migration ${st.status}: ${st['error-desc'] ?? ''}`);
      return st.status === 'completed';
    }, 60_000, 'QEMU migration', 50);
    cur.qmp.close();
    await stopQemu(cur);
    cur = dst;
    return { total_ms: st['total-time'], downtime_ms: st.downtime, bytes: st.ram?.transferred };
  };
  try {
    for (let i = 0; i <= rounds; i++) {
      ctx.progress(`qemu: migration round ${i}/${rounds}${i === 0 ? ' (warm-up)' : ''}`);
      const order = i % 2 ? ['bare', 'xend'] : ['xend', 'bare'];
      for (const o of order) {
        const r = o === 'xend' ? await xendHop() : await bareHop();
        if (i) (o === 'xend' ? xm_ : qm).push(r);
      }
    }
    // the guest still answers on its console after the hops
    const c = await xm(xends[here], 'console', '--replay', '--read-only', 'b1');
    if (!c.stdout.includes(BANNER)) log('qemu: warning: b1 console after migration shows no banner');
  } finally {
    cur.qmp?.close();
    await stopQemu(cur);
    await xm(xends[here], 'destroy', 'b1');
    for (const x of xends) x.stop();
  }
  const left = spawnSync('pgrep', ['-af', QEMU], { encoding: 'utf8' }).stdout.trim();
  if (left) log(`qemu: WARNING: QEMU processes still running after the benchmark (this run's or another user's):\n${left}`);

  log(`qemu: boot ms xend ${xb.map((v) => v.toFixed(0))} bare ${bb.map((v) => v.toFixed(0))}`);
  log(`qemu: migrate xend ${JSON.stringify(xm_)}\nqemu: migrate bare ${JSON.stringify(qm)}`);
  const fix = (v) => +v.toFixed(1);
  const xt = median(xm_.map((m) => m.total_ms));
  const qt = median(qm.map((m) => m.total_ms));
  const xd = median(xm_.map((m) => m.downtime_ms));
  const qd = median(qm.map((m) => m.downtime_ms));
  return [
    {
      id: 'qemu.boot',
      what: 'xm create → console banner (TCG)',
      baseline: 'bare qemu -serial stdio',
      subject: fix(median(xb)),
      base: fix(median(bb)),
      unit: 'ms',
      ratio: median(xb) / median(bb),
      target: null,
      better: 'lower',
      note: `128 MiB test guest, ${rounds} rounds after 1 warm-up; console polled every 100 ms`,
    },
    {
      id: 'qemu.migrate-total',
      what: 'xm migrate -l test guest, total',
      baseline: 'QEMU tcp migrate, no xend',
      subject: xt,
      base: qt,
      unit: 'ms',
      ratio: xt / qt,
      target: 1.2,
      better: 'lower',
      note: `A↔B, ${rounds} rounds after 1 warm-up; xend bytes ${median(xm_.map((m) => m.bytes ?? NaN))}, QEMU ${median(qm.map((m) => m.bytes ?? NaN))}`,
    },
    {
      id: 'qemu.migrate-downtime',
      what: 'xm migrate -l test guest, downtime',
      baseline: 'QEMU tcp migrate, no xend',
      subject: xd,
      base: qd,
      unit: 'ms',
      ratio: xd / qd,
      target: 1.2,
      better: 'lower',
      note: `xend ${xm_.map((m) => m.downtime_ms).join('/')} ms, QEMU ${qm.map((m) => m.downtime_ms).join('/')} ms`,
    },
  ];
}
