// Server load: requests per second for xend.domains_with_state(True,'all',False)
// with 100 guests, from `conns` concurrent keep-alive clients (bench/loadgen.mjs,
// the same program for every server), against our xend over its Unix socket and
// over TCP, and against Python's SimpleXMLRPCServer + ThreadingMixIn on 127.0.0.1
// serving the payload captured from our xend (bench/pyserver.py). Servers are
// alternated round by round; medians of the rounds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Xend, benchDir, encodeCall, freePort, log, median, node, onCleanup, probe, run as runCmd, startChild } from './lib.mjs';

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
    { name: 'xend unix', target: ['--socket', x.socketPath] },
    { name: 'xend tcp', target: ['--port', String(x.tcpPort)] },
  ];
  const python = probe(['python3', '-c', 'import xmlrpc.server, socketserver']);
  if (python.ok) {
    for (const [label, mode, http] of [
      ['python keep-alive', 'marshal', '1.1'],
      ['python stock', 'marshal', '1.0'],
      ['python bytes', 'bytes', '1.1'],
    ]) {
      const { line, stop } = await startChild(['python3', join(benchDir, 'pyserver.py'), payloadFile, '--mode', mode, '--http', http]);
      servers.push({ name: label, target: ['--port', line.trim()], stop });
    }
  }

  const rps = Object.fromEntries(servers.map((s) => [s.name, []]));
  const info = {};
  const rounds = ctx.loadRounds;
  log(`load: ${servers.length} servers × ${rounds} rounds × ${ctx.loadSeconds} s, ${ctx.conns} connections`);
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < servers.length; k++) {
      const s = servers[(r + k) % servers.length];
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
  ];
}
