// Migration throughput (issue 5): a 1 GiB simulated guest migrated between two
// xends on one machine (temp roots, relocation servers on 127.0.0.1 on both, so
// the guest goes A→B, B→A, …), against a raw copy of the same number of bytes
// through a 127.0.0.1 TCP socket between two node processes, alternated round by
// round. Non-live rounds give the throughput ratio; live rounds (`xm migrate -l`)
// give the downtime, against its budget of 10 ms (the raw copy's time in the same
// rounds is in the note).
//
// The raw copy is the floor for moving those bytes this way: the same byte count as
// the migration's stream, through the same kind of socket (TCP on 127.0.0.1, node at
// both ends, reads as they come), written in 1 MiB writes from one buffer, honouring
// back-pressure, timed by the sink from accept to its last byte. The migration's time
// is xend's own (`total_ms`): from the request to the destination's verdict, so it also
// holds the connection, the handshake, building the domain there and every check.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Xend, bin, freePort, log, median, node, onCleanup } from './lib.mjs';

export const name = 'migration';
export const title = 'migration of a 1 GiB simulated guest (loopback)';

const MIB = 2 ** 20;
/** Live migration's downtime budget (issue 20). */
const DOWNTIME_BUDGET_MS = 10;
// The sink: listens on 127.0.0.1, prints its port, then the ms from accept to the Nth byte.
const SINK = `const net=require('net');const N=+process.argv[1];let t0,got=0;
const s=net.createServer(c=>{t0=process.hrtime.bigint();c.on('data',d=>{got+=d.length;if(got>=N){
console.log(Number(process.hrtime.bigint()-t0)/1e6);process.exit(0)}})});
s.listen(0,'127.0.0.1',()=>console.log(s.address().port));`;
// The source: connects and writes N bytes in 1 MiB chunks, honouring back-pressure.
const SOURCE = `const net=require('net');const port=+process.argv[1],N=+process.argv[2];const buf=Buffer.alloc(1<<20,7);let sent=0;
const c=net.connect(port,'127.0.0.1',function w(){while(sent<N){const n=Math.min(buf.length,N-sent);sent+=n;
if(!c.write(n===buf.length?buf:buf.subarray(0,n))){c.once('drain',w);return}}c.end()});`;

/** Copies n bytes through a loopback socket between two node processes; returns the sink's ms. */
function rawCopy(n) {
  return new Promise((resolve, reject) => {
    const sink = spawn(node, ['-e', SINK, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const release = onCleanup(() => sink.exitCode === null && sink.signalCode === null && sink.kill('SIGKILL'));
    let out = '';
    let err = '';
    let started = false;
    sink.stderr.on('data', (d) => (err += d));
    sink.stdout.on('data', (d) => {
      out += d;
      const lines = out.split('\n');
      if (!started && lines.length > 1) {
        started = true;
        const r = spawnSync(node, ['-e', SOURCE, lines[0], String(n)], { encoding: 'utf8' });
        if (r.status !== 0) reject(new Error(`raw copy source exited ${r.status}: ${r.stderr}`));
      }
    });
    sink.on('exit', (code) => {
      release();
      const ms = Number(out.split('\n')[1]);
      if (code === 0 && ms > 0) resolve(ms);
      else reject(new Error(`raw copy sink exited ${code}: ${err.trim()}`));
    });
  });
}

/** CPU ms (user + system) a process has used, from /proc/<pid>/stat (clock ticks of 10 ms). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * One `xm migrate`; its JSON result, plus what the xend workers spent on it (figures the
 * machine's noise hardly moves): `send_cpu_ms` the source's, `recv_cpu_ms` the destination's,
 * `cpu_ms` both.
 */
function migrate(from, to, live) {
  const args = [bin('xm'), 'migrate', '--json', ...(live ? ['-l'] : []), '-p', String(to.relocationPort), 'big', '127.0.0.1'];
  const sendBefore = cpuMs(from.pid());
  const recvBefore = cpuMs(to.pid());
  const r = spawnSync(node, args, { env: from.env, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) throw new Error(`xm migrate ${live ? '-l ' : ''}(${from.label}→${to.label}) exited ${r.status ?? r.signal}: ${(r.stderr || '').trim().slice(0, 300)}`);
  const last = r.stdout.trim().split('\n').pop();
  const send = cpuMs(from.pid()) - sendBefore;
  const recv = cpuMs(to.pid()) - recvBefore;
  return { ...JSON.parse(last), send_cpu_ms: send, recv_cpu_ms: recv, cpu_ms: send + recv };
}

export async function run(ctx) {
  const rounds = ctx.migrationRounds ?? 5;
  const xends = [];
  for (const label of ['migA', 'migB']) {
    const x = new Xend(label);
    x.relocationPort = await freePort();
    // the whole config: a host of 8 GiB, so a 1 GiB guest fits on either side
    writeFileSync(
      join(x.root, 'etc/xen/xend-config.sxp'),
      `(sim-host-memory 8192)\n(xend-relocation-server yes)\n(xend-relocation-address 127.0.0.1)\n(xend-relocation-port ${x.relocationPort})\n`,
    );
    xends.push(x.start());
  }
  const r = spawnSync(node, [bin('xm'), 'create', '/dev/null', 'name=big', 'memory=1024', 'maxmem=1024'], { env: xends[0].env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`xm create big exited ${r.status}: ${r.stderr.trim()}`);

  let here = 0; // index of the xend holding the guest
  const hop = (live) => {
    const res = migrate(xends[here], xends[1 - here], live);
    here = 1 - here;
    return res;
  };
  // warm-up (untimed): a migration there and back, so that neither worker's first
  // receive (cold code and heap: dearer than later ones) is timed; the first also
  // tells us the byte count; and one raw copy
  const first = hop(false);
  const bytes = first.bytes;
  if (!(bytes > 0)) throw new Error(`xm migrate --json gave no byte count: ${JSON.stringify(first)}`);
  hop(false);
  await rawCopy(bytes);

  const mig = [];
  const raw = [];
  const live = [];
  const rawLive = [];
  for (let i = 0; i < rounds; i++) {
    ctx.progress(`migration: round ${i + 1}/${rounds} (non-live)`);
    const order = i % 2 ? ['raw', 'mig'] : ['mig', 'raw'];
    for (const o of order) {
      if (o === 'mig') mig.push(hop(false));
      else raw.push(await rawCopy(bytes));
    }
  }
  for (let i = 0; i < rounds; i++) {
    ctx.progress(`migration: round ${i + 1}/${rounds} (live)`);
    const order = i % 2 ? ['raw', 'mig'] : ['mig', 'raw'];
    for (const o of order) {
      if (o === 'mig') live.push(hop(true));
      else rawLive.push(await rawCopy(bytes));
    }
  }
  // destroy the guest and stop both xends now (cleanup would do it anyway)
  spawnSync(node, [bin('xm'), 'destroy', 'big'], { env: xends[here].env, stdio: 'ignore' });
  for (const x of xends) x.stop();

  const mibps = (b, ms) => b / MIB / (ms / 1000);
  const migRate = median(mig.map((m) => mibps(m.bytes, m.total_ms)));
  const rawRate = median(raw.map((ms) => mibps(bytes, ms)));
  const liveDown = median(live.map((m) => m.downtime_ms));
  const rawLiveMs = median(rawLive);
  const fix = (v) => +v.toFixed(1);
  log(`migration: non-live ${JSON.stringify(mig)}\nmigration: live ${JSON.stringify(live)}\nmigration: raw ms ${raw.map(fix)} / ${rawLive.map(fix)}`);
  return [
    {
      id: 'migration.throughput',
      what: 'xm migrate 1 GiB (non-live) MiB/s',
      baseline: 'raw loopback TCP copy',
      subject: fix(migRate),
      base: fix(rawRate),
      unit: 'MiB/s',
      ratio: migRate / rawRate,
      target: 0.9,
      better: 'higher',
      note: `${(bytes / MIB).toFixed(0)} MiB; total ${fix(median(mig.map((m) => m.total_ms)))} ms vs ${fix(median(raw))} ms; downtime ${fix(median(mig.map((m) => m.downtime_ms)))} ms; xend CPU ${fix(median(mig.map((m) => m.cpu_ms)))} ms (medians: sending ${fix(median(mig.map((m) => m.send_cpu_ms)))}, receiving ${fix(median(mig.map((m) => m.recv_cpu_ms)))}); A↔B, ${rounds} rounds`,
    },
    {
      id: 'migration.live-downtime',
      what: 'xm migrate -l 1 GiB, downtime',
      baseline: `budget of ${DOWNTIME_BUDGET_MS} ms`,
      subject: liveDown,
      base: DOWNTIME_BUDGET_MS,
      unit: 'ms',
      ratio: liveDown / DOWNTIME_BUDGET_MS,
      target: 1,
      better: 'lower',
      note: `downtimes ${live.map((m) => m.downtime_ms).join(', ')} ms; raw copy of the same bytes ${fix(rawLiveMs)} ms; live total ${fix(median(live.map((m) => m.total_ms)))} ms, ${median(live.map((m) => m.rounds))} rounds, ${fix(median(live.map((m) => mibps(m.bytes, m.total_ms))))} MiB/s`,
    },
  ];
}
