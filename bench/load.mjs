// Server load: requests per second for xend.domains_with_state(True,'all',False)
// with 100 guests, from `conns` concurrent keep-alive clients (bench/loadgen.mjs,
// the same program for every server), against our xend over its Unix socket and
// over TCP, and against Python's SimpleXMLRPCServer + ThreadingMixIn on 127.0.0.1
// serving the payload captured from our xend (bench/pyserver.py). Servers are
// alternated round by round; medians of the rounds. Beside req/s, each server's
// CPU time (user + system, from /proc) per response, as a ratio to Python's in the
// same run: a busy machine slows every server's wall clock, much less its CPU per request.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Xend, benchDir, cpuSecondsOf, encodeCall, freePort, log, median, node, onCleanup, probe, run as runCmd, startChild } from './lib.mjs';

export const name = 'load';
export const title = 'server load (requests/second)';

const CALL = ['xend.domains_with_state', [true, 'all', false]];

export async function run(ctx) {
  const tmp = mkdtempSync(join(tmpdir(), 'xend-bench-load-'));
  onCleanup(() => rmSync(tmp, { recursive: true, force: true }));
  const x = new Xend('load', { tcpPort: await freePort() }).start();
  await x.grow(100);
  const payload = await x.rpc.call(...CALL);
  const payloadFile = join(tmp, 'payload.xml');
  const bodyFile = join(tmp, 'request.xml');
  writeFileSync(payloadFile, payload);
  writeFileSync(bodyFile, encodeCall(...CALL));
  x.rpc.close();

  const servers = [
    { name: 'xend unix', target: ['--socket', x.socketPath], pid: x.pid() },
    { name: 'xend tcp', target: ['--port', String(x.tcpPort)], pid: x.pid() },
  ];
  const python = probe(['python3', '-c', 'import xmlrpc.server, socketserver']);
  if (python.ok) {
    for (const [label, mode, http] of [
      ['python keep-alive', 'marshal', '1.1'],
      ['python stock', 'marshal', '1.0'],
      ['python bytes', 'bytes', '1.1'],
    ]) {
      const { child, line, stop } = await startChild(['python3', join(benchDir, 'pyserver.py'), payloadFile, '--mode', mode, '--http', http]);
      servers.push({ name: label, target: ['--port', line.trim()], pid: child.pid, stop });
    }
  }

  const rps = Object.fromEntries(servers.map((s) => [s.name, []]));
  const cpuMs = Object.fromEntries(servers.map((s) => [s.name, []])); // CPU ms per response, per round
  const info = {};
  const rounds = ctx.loadRounds;
  log(`load: ${servers.length} servers × ${rounds} rounds × ${ctx.loadSeconds} s, ${ctx.conns} connections`);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < servers.length; k++) {
      const s = servers[(r + k) % servers.length];
      const cpuBefore = cpuSecondsOf(s.pid);
      const out = runCmd([
        node,
        join(benchDir, 'loadgen.mjs'),
        ...s.target,
        '--body', bodyFile,
        '--conns', String(ctx.conns),
        '--seconds', String(ctx.loadSeconds),
        '--warmup', '0.5',
        '--max', '1000000',
      ]);
      if (out.status !== 0) throw new Error(`loadgen against ${s.name} failed: ${out.stderr}`);
      const res = JSON.parse(out.stdout);
      if (res.errors > 0) throw new Error(`loadgen against ${s.name}: ${res.errors} bad responses (${res.firstError})`);
      rps[s.name].push(res.rps);
      const cpuAfter = cpuSecondsOf(s.pid);
      if (cpuBefore !== null && cpuAfter !== null && res.served > 0) cpuMs[s.name].push(((cpuAfter - cpuBefore) * 1000) / res.served);
      info[s.name] = res;
      ctx.progress(`load round ${r + 1}/${rounds}: ${s.name} ${res.rps.toFixed(0)} req/s`);
    }
  }
  x.stop();
  for (const s of servers) s.stop?.();

  const m = Object.fromEntries(Object.entries(rps).map(([k, v]) => [k, median(v)]));
  const kib = (s) => `${(info[s].bytes / info[s].requests / 1024).toFixed(1)} KiB/response`;
  const row = (id, what, subject, baseline, baselineText, target, note) => ({
    id: `load.${id}`,
    what,
    baseline: baselineText,
    unit: 'req/s',
    better: 'higher',
    subject: m[subject],
    base: m[baseline],
    ratio: m[subject] / m[baseline],
    target,
    n: rounds,
    ...(note && { note }),
  });
  if (!python.ok) {
    return [{ id: 'load.unix', what: 'xend XML-RPC req/s', unavailable: `no Python baseline: ${python.reason}` }];
  }
  return [
    row('unix', `xend XML-RPC, Unix socket, ${ctx.conns} conns, 100 guests`, 'xend unix', 'python stock', 'Python ThreadingMixIn XML-RPC (stock HTTP/1.0)', 5, `xend ${kib('xend unix')}`),
    row('tcp', `xend XML-RPC, TCP, ${ctx.conns} conns, 100 guests`, 'xend tcp', 'python stock', 'Python ThreadingMixIn XML-RPC (stock HTTP/1.0)', 5, `Python ${kib('python stock')}`),
    row('tcp-ka', `xend XML-RPC, TCP, ${ctx.conns} conns, 100 guests`, 'xend tcp', 'python keep-alive', 'same Python server with HTTP/1.1 keep-alive', 5),
    row('tcp-bytes', `xend XML-RPC, TCP, ${ctx.conns} conns, 100 guests`, 'xend tcp', 'python bytes', 'Python HTTP only: pre-encoded reply, keep-alive', null, 'reference: Python without marshalling'),
    ...cpuRows(cpuMs, ctx.conns),
  ];
}

/**
 * xend's CPU per response against Python's, both from this run's rounds (CPU ms
 * per response of each round, by server name): the median of each, and their ratio.
 */
export function cpuRows(cpuMs, conns) {
  const rows = [
    ['cpu-tcp-ka', 'xend tcp', 'python keep-alive', 'Python ThreadingMixIn XML-RPC, keep-alive, CPU per request', null],
    // The load target (issue 20): xend's marshalling costs nothing next to Python's bare HTTP.
    ['cpu-tcp-bytes', 'xend tcp', 'python bytes', 'Python HTTP only: pre-encoded reply, CPU per request', 1],
  ];
  return rows.map(([id, subject, baseline, baselineText, target]) => {
    const what = `xend CPU per request, TCP, ${conns} conns, 100 guests`;
    const s = median(cpuMs[subject] ?? []);
    const b = median(cpuMs[baseline] ?? []);
    if (!(s > 0 && b > 0)) return { id: `load.${id}`, what, unavailable: 'no CPU times (no /proc, or a server without rounds)' };
    const n = Math.min(cpuMs[subject].length, cpuMs[baseline].length);
    return { id: `load.${id}`, what, baseline: baselineText, unit: 'ms', better: 'lower', subject: s, base: b, ratio: s / b, target, n, note: 'CPU (user+system) ÷ responses' };
  });
}
